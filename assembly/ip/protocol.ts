// The inet protocol table: transport protocols register their receive and error handlers
// here, so ip/ never imports tcp/ or udp/. Linux: net/ipv4/protocol.c (inet_add_protocol),
// struct net_protocol { handler, err_handler }.
// @ts-ignore: decorator
@inline const MAX_INET_PROTOS: u32 = 256;
const handlers: usize = memory.data(MAX_INET_PROTOS * 4, 4);
const err_handlers: usize = memory.data(MAX_INET_PROTOS * 4, 4);

/** handler: `(skb: usize) => void` (consumes the skb); err_handler:
 *  `(skb: usize, type: u32, code: u32, info: u32, inner_iph: usize) => void`. */
export function inet_add_protocol(protocol: u32, handler: u32, err_handler: u32): void {
  store<u32>(handlers + (<usize>protocol << 2), handler);
  store<u32>(err_handlers + (<usize>protocol << 2), err_handler);
}
// @ts-ignore: decorator
@inline export function inet_protocol_handler(protocol: u32): u32 { return load<u32>(handlers + (<usize>(protocol & 255) << 2)); }
// @ts-ignore: decorator
@inline export function inet_protocol_err_handler(protocol: u32): u32 { return load<u32>(err_handlers + (<usize>(protocol & 255) << 2)); }
