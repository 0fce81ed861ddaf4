// Intrusive red-black tree with Linux lib/rbtree.c semantics (include/linux/rbtree.h).
// Used where the kernel keeps ordered sets without allocation: epoll's epitems by fd,
// the TCP retransmit and out-of-order queues by sequence.
//
// As in Linux the tree does no comparisons: the caller walks down from the root to find
// the link slot, then calls rb_link_node (plain BST insert, node red) and rb_insert_color
// (rebalance). Removal is rb_erase. Everything is iterative and allocates nothing.
//
// A node is 12 bytes embedded in the caller's struct, at a 4-byte aligned address (the
// low bits of the parent address carry the colour):
//
//   0               4               8               12
//   ├─ parent|color ┼─ rb_right ────┼─ rb_left ─────┤   SIZEOF_RB_NODE = 12
//        bit 0: RB_BLACK (1) / RB_RED (0); bits 2..31: parent node address, 0 at the root
//
// A root is one u32, the address of the top node (0 when empty). RbRootCached adds the
// leftmost node so that rb_first_cached is O(1), as timerqueue/hrtimer use it.
//
//   0               4               8
//   ├─ rb_node ─────┼─ rb_leftmost ─┤   SIZEOF_RB_ROOT_CACHED = 8 (RbRoot is the first word)
//
// Invariants (CLRS ch. 13): the root is black; a red node has black children; every
// path from a node to a null leaf has the same number of black nodes. Hence the height
// is at most 2·log2(n + 1).

// @ts-ignore: decorator
@inline export const RB_RED: u32 = 0;
// @ts-ignore: decorator
@inline export const RB_BLACK: u32 = 1;

// @ts-ignore: decorator
@inline export const RB_PARENT_COLOR: usize = 0;
// @ts-ignore: decorator
@inline export const RB_RIGHT: usize = 4;
// @ts-ignore: decorator
@inline export const RB_LEFT: usize = 8;
// @ts-ignore: decorator
@inline export const SIZEOF_RB_NODE: usize = 12;

// @ts-ignore: decorator
@inline export const RB_ROOT_NODE: usize = 0;
// @ts-ignore: decorator
@inline export const RB_ROOT_LEFTMOST: usize = 4;
// @ts-ignore: decorator
@inline export const SIZEOF_RB_ROOT_CACHED: usize = 8;

/** View of a node, for field syntax; embed it as three u32 fields in this order. */
@final @unmanaged export class RbNode {
  __rb_parent_color: u32;
  rb_right: u32;
  rb_left: u32;
}

/** View of a root. */
@final @unmanaged export class RbRoot {
  rb_node: u32;
}

/** View of a root that also caches its leftmost node. */
@final @unmanaged export class RbRootCached {
  rb_node: u32;
  rb_leftmost: u32;
}

// ─── field access ────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function pc(n: usize): u32 { return load<u32>(n, RB_PARENT_COLOR); }
// @ts-ignore: decorator
@inline export function rb_parent(n: usize): usize { return <usize>(pc(n) & ~3); }
// @ts-ignore: decorator
@inline export function rb_color(n: usize): u32 { return pc(n) & 1; }
// @ts-ignore: decorator
@inline export function rb_is_red(n: usize): bool { return (pc(n) & 1) == RB_RED; }
// @ts-ignore: decorator
@inline export function rb_is_black(n: usize): bool { return (pc(n) & 1) == RB_BLACK; }
// @ts-ignore: decorator
@inline export function rb_left(n: usize): usize { return <usize>load<u32>(n, RB_LEFT); }
// @ts-ignore: decorator
@inline export function rb_right(n: usize): usize { return <usize>load<u32>(n, RB_RIGHT); }
// @ts-ignore: decorator
@inline function set_left(n: usize, c: usize): void { store<u32>(n, <u32>c, RB_LEFT); }
// @ts-ignore: decorator
@inline function set_right(n: usize, c: usize): void { store<u32>(n, <u32>c, RB_RIGHT); }
// @ts-ignore: decorator
@inline function set_parent(n: usize, p: usize): void { store<u32>(n, <u32>p | (pc(n) & 1), RB_PARENT_COLOR); }
// @ts-ignore: decorator
@inline function set_parent_color(n: usize, p: usize, color: u32): void { store<u32>(n, <u32>p | color, RB_PARENT_COLOR); }
// @ts-ignore: decorator
@inline function set_black(n: usize): void { store<u32>(n, pc(n) | RB_BLACK, RB_PARENT_COLOR); }
// @ts-ignore: decorator
@inline function set_red(n: usize): void { store<u32>(n, pc(n) & ~1, RB_PARENT_COLOR); }
// @ts-ignore: decorator
@inline function set_color(n: usize, color: u32): void { store<u32>(n, (pc(n) & ~1) | color, RB_PARENT_COLOR); }
/** A null child counts as black (the leaves of CLRS). */
// @ts-ignore: decorator
@inline function is_black_or_null(n: usize): bool { return n == 0 || rb_is_black(n); }

/** The address of the root's node slot (the first word of RbRoot/RbRootCached). */
// @ts-ignore: decorator
@inline export function rb_root_node(root: usize): usize { return <usize>load<u32>(root, RB_ROOT_NODE); }

/** Resets `root` to the empty tree. Linux RB_ROOT. */
// @ts-ignore: decorator
@inline export function RB_ROOT_INIT(root: usize): void { store<u32>(root, 0, RB_ROOT_NODE); }

/** True when the tree at `root` is empty. Linux RB_EMPTY_ROOT. */
// @ts-ignore: decorator
@inline export function RB_EMPTY_ROOT(root: usize): bool { return load<u32>(root, RB_ROOT_NODE) == 0; }

/** Marks `node` as not in any tree (its parent points to itself). Linux RB_CLEAR_NODE. */
// @ts-ignore: decorator
@inline export function RB_CLEAR_NODE(node: usize): void { store<u32>(node, <u32>node, RB_PARENT_COLOR); }

/** True after RB_CLEAR_NODE: the "is it linked?" test. Linux RB_EMPTY_NODE. */
// @ts-ignore: decorator
@inline export function RB_EMPTY_NODE(node: usize): bool { return pc(node) == <u32>node; }

/** The struct that embeds the node at byte offset `offset`. Linux rb_entry. */
// @ts-ignore: decorator
@inline export function rb_entry(node: usize, offset: usize): usize { return node - offset; }

// ─── insertion ────────────────────────────────────────────────────────────────────

/**
 * Links `node` as a red leaf under `parent` (0 for the root) through `link`, the address
 * of the slot it goes into: the root's rb_node word or parent's rb_left/rb_right word.
 * Follow with rb_insert_color. Linux rb_link_node.
 */
// @ts-ignore: decorator
@inline export function rb_link_node(node: usize, parent: usize, link: usize): void {
  set_parent_color(node, parent, RB_RED);
  set_left(node, 0);
  set_right(node, 0);
  store<u32>(link, <u32>node);
}

/** Replaces `old` by `new` in the child slot of `parent` (or the root slot). */
// @ts-ignore: decorator
@inline function change_child(old: usize, nu: usize, parent: usize, root: usize): void {
  if (parent) {
    if (rb_left(parent) == old) set_left(parent, nu);
    else set_right(parent, nu);
  } else {
    store<u32>(root, <u32>nu, RB_ROOT_NODE);
  }
}

//        x                 y
//       / \               / \
//      a   y     ──►     x   c        rotate_left(x): y = x.right takes x's place;
//         / \           / \           colours are left for the caller.
//        b   c         a   b
function rotate_left(x: usize, root: usize): void {
  const y = rb_right(x);
  const b = rb_left(y);
  const p = rb_parent(x);
  set_right(x, b);
  if (b) set_parent(b, x);
  set_parent(y, p);
  change_child(x, y, p, root);
  set_left(y, x);
  set_parent(x, y);
}

// Mirror image of rotate_left.
function rotate_right(x: usize, root: usize): void {
  const y = rb_left(x);
  const b = rb_right(y);
  const p = rb_parent(x);
  set_left(x, b);
  if (b) set_parent(b, x);
  set_parent(y, p);
  change_child(x, y, p, root);
  set_right(y, x);
  set_parent(x, y);
}

/**
 * Restores the red-black invariants after rb_link_node put the red `node` in the tree
 * at `root`. Linux rb_insert_color. Preconditions: `node` was just linked.
 */
export function rb_insert_color(node: usize, root: usize): void {
  // The only possible violation is a red node with a red parent; each loop step either
  // fixes it with at most two rotations, or recolours and moves it two levels up.
  let n = node;
  while (true) {
    let parent = rb_parent(n);
    if (!parent) {
      set_black(n); // the root is black; this is how the black height grows
      return;
    }
    if (rb_is_black(parent)) return;
    // A red parent is never the root, so the grandparent exists.
    const gparent = rb_parent(parent);
    if (parent == rb_left(gparent)) {
      const uncle = rb_right(gparent);
      if (uncle && rb_is_red(uncle)) {
        // Case 1: red uncle. Push the blackness down from gparent; recheck at gparent.
        set_black(uncle);
        set_black(parent);
        set_red(gparent);
        n = gparent;
        continue;
      }
      if (n == rb_right(parent)) {
        // Case 2: n is an inner grandchild; rotate it outward, turning it into case 3.
        rotate_left(parent, root);
        n = parent;
        parent = rb_parent(n);
      }
      // Case 3: outer grandchild; rotate gparent down and swap colours. Done.
      rotate_right(gparent, root);
      set_black(parent);
      set_red(gparent);
      return;
    } else {
      const uncle = rb_left(gparent);
      if (uncle && rb_is_red(uncle)) {
        set_black(uncle);
        set_black(parent);
        set_red(gparent);
        n = gparent;
        continue;
      }
      if (n == rb_left(parent)) {
        rotate_right(parent, root);
        n = parent;
        parent = rb_parent(n);
      }
      rotate_left(gparent, root);
      set_black(parent);
      set_red(gparent);
      return;
    }
  }
}

// ─── removal ──────────────────────────────────────────────────────────────────────

/**
 * Rebalances after a black node was removed: `x` (possibly null) stands where it was,
 * under `parent`, and carries an extra "black" that has to be absorbed (CLRS 13.4).
 */
function erase_fixup(x: usize, parent: usize, root: usize): void {
  while (parent && is_black_or_null(x)) {
    // x's subtree is one black short, so its sibling subtree has black height ≥ 1:
    // the sibling exists. x may be null, so tell the side by the sibling slot.
    if (x == rb_left(parent)) {
      let w = rb_right(parent);
      if (rb_is_red(w)) {
        // Case 1: red sibling. Rotate it up so that x gets a black sibling.
        set_black(w);
        set_red(parent);
        rotate_left(parent, root);
        w = rb_right(parent);
      }
      if (is_black_or_null(rb_left(w)) && is_black_or_null(rb_right(w))) {
        // Case 2: black sibling with black children. Make it red: both sides are now
        // short, so move the extra black up to the parent.
        set_red(w);
        x = parent;
        parent = rb_parent(x);
        continue;
      }
      if (is_black_or_null(rb_right(w))) {
        // Case 3: only the inner nephew is red; rotate it outward into case 4.
        set_black(rb_left(w));
        set_red(w);
        rotate_right(w, root);
        w = rb_right(parent);
      }
      // Case 4: red outer nephew. One rotation adds a black on x's side. Done.
      set_color(w, rb_color(parent));
      set_black(parent);
      set_black(rb_right(w));
      rotate_left(parent, root);
      return;
    } else {
      let w = rb_left(parent);
      if (rb_is_red(w)) {
        set_black(w);
        set_red(parent);
        rotate_right(parent, root);
        w = rb_left(parent);
      }
      if (is_black_or_null(rb_left(w)) && is_black_or_null(rb_right(w))) {
        set_red(w);
        x = parent;
        parent = rb_parent(x);
        continue;
      }
      if (is_black_or_null(rb_left(w))) {
        set_black(rb_right(w));
        set_red(w);
        rotate_left(w, root);
        w = rb_left(parent);
      }
      set_color(w, rb_color(parent));
      set_black(parent);
      set_black(rb_left(w));
      rotate_right(parent, root);
      return;
    }
  }
  // A red x (or the root) absorbs the extra black.
  if (x) set_black(x);
}

/** Removes `node` from the tree at `root` and rebalances. The node's own fields are
 *  left stale (RB_CLEAR_NODE it if it will be tested). Linux rb_erase. */
export function rb_erase(node: usize, root: usize): void {
  const left = rb_left(node);
  const right = rb_right(node);
  const parent = rb_parent(node);
  if (!left || !right) {
    // At most one child: splice the node out and put the child in its place.
    const child = left ? left : right;
    change_child(node, child, parent, root);
    if (child) {
      // A single child of a black node must be red (black heights): recolour it black
      // and keep the parent; nothing else changes.
      set_parent_color(child, parent, RB_BLACK);
      return;
    }
    if (rb_is_black(node)) erase_fixup(0, parent, root);
    return;
  }
  // Two children: the in-order successor y (leftmost of the right subtree, so it has no
  // left child) moves into node's place with node's colour; the colour that really
  // leaves the tree is y's, from y's old position.
  let y = right;
  let l = rb_left(y);
  while (l) { y = l; l = rb_left(y); }
  const y_black = rb_is_black(y);
  const x = rb_right(y);
  let xparent: usize;
  if (y == right) {
    xparent = y; // y keeps its right subtree
  } else {
    xparent = rb_parent(y);
    set_left(xparent, x);
    if (x) set_parent(x, xparent);
    set_right(y, right);
    set_parent(right, y);
  }
  change_child(node, y, parent, root);
  set_parent_color(y, parent, rb_color(node));
  set_left(y, left);
  set_parent(left, y);
  if (y_black) {
    if (x && rb_is_red(x)) set_black(x);
    else erase_fixup(x, xparent, root);
  }
}

/** Puts `nu` in the place of `victim` without rebalancing; they must sort the same.
 *  Linux rb_replace_node. */
export function rb_replace_node(victim: usize, nu: usize, root: usize): void {
  const parent = rb_parent(victim);
  const left = rb_left(victim);
  const right = rb_right(victim);
  store<u32>(nu, pc(victim), RB_PARENT_COLOR);
  set_left(nu, left);
  set_right(nu, right);
  if (left) set_parent(left, nu);
  if (right) set_parent(right, nu);
  change_child(victim, nu, parent, root);
}

// ─── iteration ────────────────────────────────────────────────────────────────────

/** The smallest node of the tree at `root`, or 0. Linux rb_first. */
export function rb_first(root: usize): usize {
  let n = rb_root_node(root);
  if (!n) return 0;
  let l = rb_left(n);
  while (l) { n = l; l = rb_left(n); }
  return n;
}

/** The largest node of the tree at `root`, or 0. Linux rb_last. */
export function rb_last(root: usize): usize {
  let n = rb_root_node(root);
  if (!n) return 0;
  let r = rb_right(n);
  while (r) { n = r; r = rb_right(n); }
  return n;
}

/** The in-order successor of `node`, or 0. Linux rb_next. */
export function rb_next(node: usize): usize {
  let r = rb_right(node);
  if (r) {
    // Down once right, then all the way left.
    let l = rb_left(r);
    while (l) { r = l; l = rb_left(r); }
    return r;
  }
  // Up until we arrive from a left child; that parent is next.
  let n = node;
  let p = rb_parent(n);
  while (p && n == rb_right(p)) { n = p; p = rb_parent(n); }
  return p;
}

/** The in-order predecessor of `node`, or 0. Linux rb_prev. */
export function rb_prev(node: usize): usize {
  let l = rb_left(node);
  if (l) {
    let r = rb_right(l);
    while (r) { l = r; r = rb_right(l); }
    return l;
  }
  let n = node;
  let p = rb_parent(n);
  while (p && n == rb_left(p)) { n = p; p = rb_parent(n); }
  return p;
}

// ─── cached root ──────────────────────────────────────────────────────────────────

/** rb_insert_color for an RbRootCached; `leftmost` says whether the caller's search
 *  only ever went left (then the new node is the minimum). Linux rb_insert_color_cached. */
export function rb_insert_color_cached(node: usize, root: usize, leftmost: bool): void {
  if (leftmost) store<u32>(root, <u32>node, RB_ROOT_LEFTMOST);
  rb_insert_color(node, root);
}

/** rb_erase for an RbRootCached. Linux rb_erase_cached. */
export function rb_erase_cached(node: usize, root: usize): void {
  if (<usize>load<u32>(root, RB_ROOT_LEFTMOST) == node) {
    store<u32>(root, <u32>rb_next(node), RB_ROOT_LEFTMOST);
  }
  rb_erase(node, root);
}

/** The smallest node in O(1), or 0. Linux rb_first_cached. */
// @ts-ignore: decorator
@inline export function rb_first_cached(root: usize): usize {
  return <usize>load<u32>(root, RB_ROOT_LEFTMOST);
}

/** Resets a cached root to the empty tree. Linux RB_ROOT_CACHED. */
// @ts-ignore: decorator
@inline export function RB_ROOT_CACHED_INIT(root: usize): void {
  store<u32>(root, 0, RB_ROOT_NODE);
  store<u32>(root, 0, RB_ROOT_LEFTMOST);
}
