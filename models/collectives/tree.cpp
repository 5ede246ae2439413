#include "models/collectives/tree.hpp"

#include <algorithm>

namespace rs {

namespace {

// Tree 0: the lowest set bit of rank r says its level; its parent clears that
// bit and sets the next one (or only clears it if that is out of range).
int64_t btree_parent(int64_t n, int64_t r) {
  if (r == 0) return -1;
  int64_t bit = 1;
  while (!(bit & r)) bit <<= 1;
  int64_t up = (r ^ bit) | (bit << 1);
  return up < n ? up : (r ^ bit);
}

}  // namespace

int64_t dbtree_parent(int64_t n, int64_t rank, int which) {
  if (which == 0) return btree_parent(n, rank);
  if (n % 2 == 1) {  // shift by one
    int64_t u = btree_parent(n, (rank - 1 + n) % n);
    return u < 0 ? -1 : (u + 1) % n;
  }
  int64_t u = btree_parent(n, n - 1 - rank);  // mirror
  return u < 0 ? -1 : n - 1 - u;
}

int64_t dbtree_depth(int64_t n) {
  int64_t depth = 0;
  for (int which = 0; which < 2; ++which)
    for (int64_t r = 0; r < n; ++r) {
      int64_t d = 0;
      for (int64_t p = dbtree_parent(n, r, which); p >= 0; p = dbtree_parent(n, p, which)) ++d;
      depth = std::max(depth, d);
    }
  return depth;
}

}  // namespace rs
