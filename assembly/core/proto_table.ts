// inetsw: which struct proto serves socket(AF_INET, type, protocol). Linux:
// net/ipv4/af_inet.c inetsw_array (the first entry of a type is its protocol-0 default).
import { Proto } from "./sock";

// @ts-ignore: decorator
@inline const MAX_PROTOS: u32 = 8;
const types: usize = memory.data(MAX_PROTOS * 4, 4);
const protocols: usize = memory.data(MAX_PROTOS * 4, 4);
const protos: usize = memory.data(MAX_PROTOS * 4, 4);
let n: u32 = 0;

export function register_proto(type: u32, protocol: u32, prot: Proto): void {
  store<u32>(types + (<usize>n << 2), type);
  store<u32>(protocols + (<usize>n << 2), protocol);
  store<usize>(protos + (<usize>n << 2), changetype<usize>(prot));
  n++;
}

/** Finds the proto; protocol 0 means the type's first registered one. Returns 0 if none,
 *  and sets `last_lookup_type_known` so inet_create can tell EPROTONOSUPPORT from EINVAL. */
export function find_proto(type: u32, protocol: u32): usize {
  for (let i: u32 = 0; i < n; i++) {
    if (load<u32>(types + (<usize>i << 2)) != type) continue;
    const p = load<u32>(protocols + (<usize>i << 2));
    if (protocol == 0 || p == protocol) return load<usize>(protos + (<usize>i << 2));
  }
  return 0;
}
/** The protocol number the matching entry serves (for protocol 0 lookups). */
export function find_proto_number(type: u32, protocol: u32): u32 {
  for (let i: u32 = 0; i < n; i++) {
    if (load<u32>(types + (<usize>i << 2)) != type) continue;
    const p = load<u32>(protocols + (<usize>i << 2));
    if (protocol == 0 || p == protocol) return p;
  }
  return 0;
}
export function type_known(type: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u32>(types + (<usize>i << 2)) == type) return true;
  return false;
}
