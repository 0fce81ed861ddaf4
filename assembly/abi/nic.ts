// NIC descriptor rings: the layout shared by the kernel (driver side) and the host (the
// device side, which moves frames between hosts). Declared once here; the host mirror is
// generated (scripts/gen-abi.mjs). Modelled on a real NIC's rings (e1000/virtio) and
// gVisor sharedmem/queue: power-of-two size, free-running u32 indices, an OWN bit.
//
// Ring header (32 bytes), followed by `size` descriptors:
//   0 size │ 4 mask │ 8 prod │ 12 cons │ 16 clean │ 20 missed │ 24 descs │ 28 ifindex
//   TX: the kernel fills descriptors at prod and sets OWN; the device sends those from
//       cons (clearing OWN); the kernel frees the skbs from clean up to cons.
//   RX: the kernel posts empty buffers at prod with OWN set; the device writes a frame
//       into the one at cons, sets its len, clears OWN and bumps cons (a frame arriving
//       when cons == prod is a missed frame: counted in `missed`, like rx_missed_errors);
//       NAPI takes frames from clean up to cons and posts fresh buffers.
// Descriptor (16 bytes):
//   0 addr (buffer) │ 4 len (capacity when posted, frame length when done) │ 8 flags │ 12 skb
// @ts-ignore: decorator
@inline export const RING_SIZE: i32 = 0;
// @ts-ignore: decorator
@inline export const RING_MASK: i32 = 4;
// @ts-ignore: decorator
@inline export const RING_PROD: i32 = 8;
// @ts-ignore: decorator
@inline export const RING_CONS: i32 = 12;
// @ts-ignore: decorator
@inline export const RING_CLEAN: i32 = 16;
// @ts-ignore: decorator
@inline export const RING_MISSED: i32 = 20;
// @ts-ignore: decorator
@inline export const RING_DESCS: i32 = 24;
// @ts-ignore: decorator
@inline export const RING_IFINDEX: i32 = 28;
// @ts-ignore: decorator
@inline export const SIZEOF_RING_HDR: i32 = 32;
// @ts-ignore: decorator
@inline export const DESC_ADDR: i32 = 0;
// @ts-ignore: decorator
@inline export const DESC_LEN: i32 = 4;
// @ts-ignore: decorator
@inline export const DESC_FLAGS: i32 = 8;
// @ts-ignore: decorator
@inline export const DESC_SKB: i32 = 12;
// @ts-ignore: decorator
@inline export const SIZEOF_DESC: i32 = 16;
/** The device owns the descriptor (the driver must not touch it). */
// @ts-ignore: decorator
@inline export const DESC_OWN: i32 = 1;
/** Largest ring (ethtool -G maximum), allocated up front so resizing allocates nothing. */
// @ts-ignore: decorator
@inline export const RING_MAX: i32 = 4096;
/** Default ring sizes (ethtool -g on a virtio-net/e1000 NIC: 256). */
// @ts-ignore: decorator
@inline export const RING_DEFAULT: i32 = 256;
