"""Sub-population for the network picture: a seeded snowball sample and a seeded layout.

A uniform sample of a sparse network shows almost no ties, so the picture follows ties instead:
breadth-first search over collegial and mentoring links from a few random starting agents
(participants in mentoring if there are any), each search taking an equal share of the sample.
"""
from __future__ import annotations

from collections import deque

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse


def _adjacency(links: pd.DataFrame, n_nodes: int) -> sparse.csr_matrix:
    src = links["src"].to_numpy(dtype=np.int64)
    dst = links["dst"].to_numpy(dtype=np.int64)
    data = np.ones(2 * len(src), dtype=np.int8)
    matrix = sparse.coo_matrix((data, (np.concatenate([src, dst]), np.concatenate([dst, src]))),
                               shape=(n_nodes, n_nodes)).tocsr()
    matrix.sort_indices()
    return matrix


def snowball_sample(links: pd.DataFrame, candidates: np.ndarray, starts: np.ndarray, size: int,
                    seed: int, n_starts: int = 4) -> np.ndarray:
    """Agent ids of a snowball sample of at most `size` agents among `candidates`.

    `links` has columns src, dst (undirected). Starting agents are drawn (seeded) from `starts`
    (or from `candidates` if empty); each breadth-first search adds up to size / n_starts agents,
    and further starts are drawn until the sample is full or no candidate is left.
    """
    candidates = np.unique(np.asarray(candidates, dtype=np.int64))
    if len(candidates) == 0 or size <= 0:
        return np.array([], dtype=np.int64)
    n_nodes = int(max(candidates.max(), links[["src", "dst"]].to_numpy().max(initial=0))) + 1
    allowed = np.zeros(n_nodes, dtype=bool)
    allowed[candidates] = True
    keep = allowed[links["src"].to_numpy()] & allowed[links["dst"].to_numpy()]
    adjacency = _adjacency(links[keep], n_nodes)
    rng = np.random.default_rng(seed)
    starts = np.unique(np.asarray(starts, dtype=np.int64))
    starts = starts[allowed[starts]] if len(starts) else starts
    order = list(rng.permutation(starts)) + list(rng.permutation(candidates))
    per_start = max(1, size // n_starts)
    chosen: dict[int, None] = {}
    for start in order:
        if len(chosen) >= size:
            break
        if start in chosen:
            continue
        quota = min(per_start, size - len(chosen))
        queue, added = deque([int(start)]), 0
        seen = {int(start)}
        while queue and added < quota:
            node = queue.popleft()
            if node not in chosen:
                chosen[node] = None
                added += 1
            for neighbour in adjacency.indices[adjacency.indptr[node]:adjacency.indptr[node + 1]]:
                neighbour = int(neighbour)
                if neighbour not in seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
    return np.array(sorted(chosen), dtype=np.int64)


def layout(nodes: np.ndarray, links: pd.DataFrame, seed: int) -> dict[int, np.ndarray]:
    """Seeded spring layout (networkx, Fruchterman–Reingold) of the sampled agents and the links
    among them."""
    graph = nx.Graph()
    graph.add_nodes_from(int(n) for n in nodes)
    inside = links["src"].isin(nodes) & links["dst"].isin(nodes)
    graph.add_edges_from(zip(links.loc[inside, "src"].astype(int), links.loc[inside, "dst"].astype(int)))
    return nx.spring_layout(graph, seed=seed, iterations=100)
