"""Time full-batch GCN epochs in PyTorch on a graph in the compressed-sparse .npz layout.

The model matches paperproof's full-batch GCN: H1 = ReLU(S X W1), H2 = ReLU(S H1 W2),
logits = H2 Theta, with S = (D+I)^-1/2 (A+I) (D+I)^-1/2 of the symmetrised adjacency, mean
cross-entropy over the training nodes plus weight decay on W1 and W2, and Adam.

Usage: python3 torch_gcn.py GRAPH.npz EPOCHS SEED HIDDEN
Prints one JSON object: {"epochMillis": [...], "threads": n, "torch": version}.
"""
import json
import sys
import time

import numpy as np
import torch


def load(path):
    archive = np.load(path)
    n = int(archive["adj_shape"][0])
    indptr = archive["adj_indptr"].astype(np.int64)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    cols = archive["adj_indices"].astype(np.int64)
    keep = rows != cols
    pairs = np.unique(np.concatenate([np.stack([rows[keep], cols[keep]]), np.stack([cols[keep], rows[keep]])], axis=1), axis=1)
    f = int(archive["attr_shape"][1])
    features = np.zeros((n, f), dtype=np.float32)
    a_indptr = archive["attr_indptr"].astype(np.int64)
    a_rows = np.repeat(np.arange(n), np.diff(a_indptr))
    np.add.at(features, (a_rows, archive["attr_indices"].astype(np.int64)), archive["attr_data"].astype(np.float32))
    sums = features.sum(axis=1, keepdims=True)
    features = np.divide(features, sums, out=np.zeros_like(features), where=sums != 0)
    labels = archive["labels"].astype(np.int64)
    return n, pairs, features, labels


def main():
    path, epochs, seed, hidden = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.manual_seed(seed)
    n, pairs, features, labels = load(path)
    degree_plus_one = np.bincount(pairs[0], minlength=n).astype(np.float64) + 1.0
    loops = np.arange(n)
    index = np.concatenate([pairs, np.stack([loops, loops])], axis=1)
    values = 1.0 / np.sqrt(degree_plus_one[index[0]] * degree_plus_one[index[1]])
    adjacency = torch.sparse_coo_tensor(torch.from_numpy(index), torch.from_numpy(values.astype(np.float32)), (n, n)).coalesce().to_sparse_csr()

    x = torch.from_numpy(features)
    y = torch.from_numpy(labels)
    classes = int(labels.max()) + 1
    train = torch.randperm(n)[: int(n * 1208 / 2708)]

    def glorot(rows, cols):
        limit = (6.0 / (rows + cols)) ** 0.5
        return torch.nn.Parameter(torch.empty(rows, cols).uniform_(-limit, limit))

    w1, w2, theta = glorot(x.shape[1], hidden), glorot(hidden, hidden), glorot(hidden, classes)
    optimizer = torch.optim.Adam([w1, w2, theta], lr=0.01)
    millis = []
    for _ in range(epochs):
        started = time.perf_counter()
        optimizer.zero_grad()
        h = torch.relu(adjacency @ (x @ w1))
        h = torch.relu(adjacency @ (h @ w2))
        logits = h @ theta
        loss = torch.nn.functional.cross_entropy(logits[train], y[train]) + 5e-4 / 2 * (w1.pow(2).sum() + w2.pow(2).sum())
        loss.backward()
        optimizer.step()
        loss.item()
        millis.append((time.perf_counter() - started) * 1000.0)
    print(json.dumps({"epochMillis": millis, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
