#pragma once
// NCCL's double binary tree over n ranks (NCCL src/graph/trees.cc, Sanders et
// al.'s construction): tree 0 is a binary tree rooted at rank 0 in which odd
// ranks are leaves; tree 1 mirrors it (n even) or shifts it by one rank (n odd),
// so a rank that is interior in one tree is a leaf in the other. Each tree
// carries half of the data; depth = floor(log2 n), hence latency grows with
// log2 of the ranks where a ring's grows linearly.
#include <cstdint>
#include <vector>

namespace rs {

// Parent of `rank` in tree `which` (0 or 1); -1 for the root.
int64_t dbtree_parent(int64_t n, int64_t rank, int which);
// Largest number of edges from a rank to the root of either tree.
int64_t dbtree_depth(int64_t n);

}  // namespace rs
