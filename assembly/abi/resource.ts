// getrlimit(2)/setrlimit(2) numbers, Linux x86-64 (include/uapi/asm-generic/resource.h).
// Only RLIMIT_NOFILE is modelled (the descriptor table); the rest are named for users.
// Mirrored by scripts/gen-abi.mjs.

// @ts-ignore: decorator
@inline export const RLIMIT_NOFILE: i32 = 7;
