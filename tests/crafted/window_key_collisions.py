"""Writes window_key_collisions.txt: one document in which a verbatim repeat
of exactly 100 bytes (passage mode's default --min-len) is hidden from the
public default seed by crafted hash collisions, so that the command line
must report refused windows and point to --seed (tests/cli.rs,
`crafted_collisions_hide_a_repeat_until_the_seed_changes`).

How (src/passage/window.rs, anchor.rs, table.rs):
1. A 32-byte k-gram G with a tiny Gear hash under seed 0, so that every
   100-byte window containing it selects it as its anchor.
2. 32 occurrences of G in different contexts fill G's 32 table entries.
3. 33 different 100-byte windows S_0..S_32, each with G at offset 34, whose
   window keys (a polynomial modulo 2^61 - 1 with a base known from the
   seed) are all equal: S_t = S + d_t, the d_t short vectors of the lattice
   of integer vectors with sum(d_i * base^(99 - i)) = 0 mod 2^61 - 1
   (found by LLL lattice reduction, below). S_0..S_31 fill the key's 32
   entries; S_32 is refused.
4. S_32 again, between two guards: k-grams whose hashes are the smallest
   after G's, so that every window overlapping this copy selects G or a
   guard (the windows selecting another k-gram of S_32 found the repeat
   through it, from the first copy). Its anchor and its window key are
   both full, so the repeat is missed (and refused once more).
Random letters separate the pieces, so that no other window repeats.

Python 3.8 or later, no packages; deterministic. Run from anywhere:
    python3 tests/crafted/window_key_collisions.py
"""

import os
import random
from fractions import Fraction

M = 100  # min_len
K = 32  # k-gram length at min_len >= 64
SHIFT = 2
W = M - K + 1
P = (1 << 61) - 1
MASK = (1 << 64) - 1
AT = 34  # G's offset in the colliding windows


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def gear_table(seed):
    state, out = 0x7465787464656475 ^ seed, []  # "textdedu"
    for _ in range(256):
        state, value = splitmix64(state)
        out.append(value)
    return out


GEAR = gear_table(0)
_, BASE = splitmix64(0x77696E646F776B79)  # "windowky"
BASE = 2 + BASE % (P - 2)


def kgram_hashes(text):
    """The hash of every k-gram of `text`, as the winnower computes it."""
    h, out = 0, []
    for i, b in enumerate(text):
        h = ((h << SHIFT) + GEAR[b]) & MASK
        if i >= K - 1:
            out.append(h >> 1)
    return out


def anchors(text):
    """The position each window selects: its rightmost smallest k-gram."""
    hashes = kgram_hashes(text)
    chosen = []
    for t in range(len(text) - M + 1):
        part = hashes[t:t + W]
        low = min(part)
        chosen.append(t + max(i for i, v in enumerate(part) if v == low))
    return chosen


def window_key(window):
    h = 0
    for b in window:
        h = (h * BASE + b + 1) % P
    return h


def lll(basis, delta=Fraction(99, 100)):
    """The LLL reduction of the integer row vectors `basis` (exact, with
    rational Gram-Schmidt coefficients kept up to date across swaps)."""
    b = [list(r) for r in basis]
    n = len(b)

    def dot(u, v):
        return sum(x * y for x, y in zip(u, v))

    ortho, mu, norms = [], [[Fraction(0)] * n for _ in range(n)], []
    for i in range(n):
        v = [Fraction(x) for x in b[i]]
        for j in range(i):
            mu[i][j] = Fraction(dot(b[i], ortho[j])) / norms[j]
            v = [x - mu[i][j] * y for x, y in zip(v, ortho[j])]
        ortho.append(v)
        norms.append(dot(v, v))

    def size_reduce(k, j):
        q = round(mu[k][j])
        if q:
            b[k] = [x - q * y for x, y in zip(b[k], b[j])]
            for col in range(j):
                mu[k][col] -= q * mu[j][col]
            mu[k][j] -= q

    k = 1
    while k < n:
        size_reduce(k, k - 1)
        if norms[k] >= (delta - mu[k][k - 1] ** 2) * norms[k - 1]:
            for j in range(k - 2, -1, -1):
                size_reduce(k, j)
            k += 1
            continue
        # Swap rows k - 1 and k, updating the coefficients in place.
        m = mu[k][k - 1]
        merged = norms[k] + m * m * norms[k - 1]
        mu[k][k - 1] = m * norms[k - 1] / merged
        norms[k] = norms[k - 1] * norms[k] / merged
        norms[k - 1] = merged
        b[k], b[k - 1] = b[k - 1], b[k]
        for j in range(k - 1):
            mu[k][j], mu[k - 1][j] = mu[k - 1][j], mu[k][j]
        for i in range(k + 1, n):
            t = mu[i][k]
            mu[i][k] = mu[i][k - 1] - m * t
            mu[i][k - 1] = t + mu[k][k - 1] * mu[i][k]
        k = max(k - 1, 1)
    return b


def letters(rng, n):
    return bytes(rng.randrange(ord("a"), ord("z") + 1) for _ in range(n))


def main():
    rng = random.Random(20261206)
    # 1. G and the two guards: the smallest hashes of many random k-grams.
    g, left_guard, right_guard = sorted((letters(rng, K) for _ in range(1 << 17)),
                                        key=lambda s: kgram_hashes(s)[0])[:3]
    # 3. Short vectors d with sum(d_i * BASE^(M-1-i)) = 0 mod P, on 40 free
    #    positions of the window (20 before G, 20 after it).
    free = list(range(0, 20)) + list(range(M - 20, M))
    weights = [pow(BASE, M - 1 - i, P) for i in free]
    n, scale = len(free), 1 << 20
    rows = [[int(i == j) for j in range(n)] + [scale * weights[i]] for i in range(n)]
    rows.append([0] * n + [scale * P])
    reduced = lll(rows)
    vectors = sorted((r[:n] for r in reduced if r[n] == 0 and max(map(abs, r[:n])) <= 12),
                     key=lambda v: sum(map(abs, v)))
    assert len(vectors) >= 32, len(vectors)
    base = bytearray(letters(rng, M))
    for i in free:
        base[i] = rng.randrange(ord("m"), ord("n") + 1)  # room for +-12 within a..z
    base[AT:AT + K] = g
    windows = []
    for d in [[0] * n] + vectors[:32]:
        s = bytearray(base)
        for i, delta in zip(free, d):
            s[i] += delta
        windows.append(bytes(s))
    assert len(set(windows)) == 33
    assert len({window_key(s) for s in windows}) == 1

    def sep():
        return letters(rng, 150)

    # 2. G in 32 contexts, then 3. the colliding windows, then 4. S_32 again.
    pieces = [sep()]
    for _ in range(32):
        pieces += [letters(rng, AT), g, letters(rng, M - AT - K), sep()]
    for s in windows:
        pieces += [s, sep()]
    pieces += [left_guard, windows[32], right_guard, sep()]
    text = bytearray(b"".join(pieces))
    # The repeat is exactly M bytes: the bytes around the first copy of
    # S_32 differ from the guards'.
    first, last = text.find(windows[32]), text.rfind(windows[32])
    for here, there in ((first - 1, last - 1), (first + M, last + M)):
        if text[here] == text[there]:
            text[here] = ord("a") + (text[there] - ord("a") + 1) % 26
    text = bytes(text)
    # Every window containing a whole G selects it.
    chosen = anchors(text)
    at = 0
    while (at := text.find(g, at)) >= 0:
        for t in range(at + K - M, at + 1):
            assert chosen[t] == at, (t, at)
        at += 1
    # Every window overlapping the last copy selects G or a guard.
    for t in range(last - M + 1, last + M):
        assert text[chosen[t]:chosen[t] + K] in (g, left_guard, right_guard), t
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "window_key_collisions.txt"), "wb") as f:
        f.write(text)
    print(f"{len(text)} bytes; the repeat is bytes {last}..{last + M}, first at {first}")


if __name__ == "__main__":
    main()
