"""Wrong (and alternative right) answers to lab 7, *Compressing a table of verb forms*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports. The
parsers use only the public tables of ``svdcourse.conjugations``, as a student would.
"""

from __future__ import annotations

import re

import numpy as np

from svdcourse.conjugations import FORMS, TABLE, VERBS

# --------------------------------------------------------------------------------------
# count_matrix
# --------------------------------------------------------------------------------------

_PERSON_OF = {"Yo": "1sg", "Tú": "2sg", "Él": "3sg", "Ella": "3sg"}


def _parse(sentences, *, person_rule=True, ir_rule="word", keep=lambda s: True):
    """A configurable parser: the right one with the defaults, a wrong one otherwise."""
    lookup = {}
    for (verb, tense, person), form in TABLE.items():
        lookup.setdefault((form, person), []).append((verb, tense))
    by_form = {}
    for (verb, tense, person), form in TABLE.items():
        by_form.setdefault(form, []).append((verb, tense, person))
    C = np.zeros((len(VERBS), len(FORMS)), dtype=int)
    for sentence in sentences:
        if not keep(sentence):
            continue
        words = sentence.removesuffix(".").split()
        subject, form, rest = words[0], words[1], words[2:]
        if person_rule:
            person = _PERSON_OF[subject]
            candidates = [(v, t, person) for v, t in lookup[form, person]]
        else:  # the person read off the form: the first entry of the table that matches
            candidates = by_form[form]
        if len({c[0] for c in candidates}) > 1:
            if ir_rule == "word":
                is_ir = bool(rest) and rest[0] in ("a", "al")
            elif ir_rule == "letter":
                is_ir = " ".join(rest).startswith("a")
            else:  # "never"
                is_ir = False
            wanted = "ir" if is_ir else "ser"
            candidates = [c for c in candidates if c[0] == wanted]
        verb, tense, person = candidates[0]
        C[VERBS.index(verb), FORMS.index((tense, person))] += 1
    return C


def count_ascii_only(sentences):
    """Skips every sentence with a non-ASCII character (Tú, Él, comí, sé, ...)."""
    C = _parse(sentences, keep=lambda s: s.isascii())
    return C, list(VERBS), list(FORMS)


def count_skips_capitalised_complements(sentences):
    """Skips sentences with a capitalised word after the subject ("en Madrid")."""
    C = _parse(sentences, keep=lambda s: not any(w[:1].isupper() for w in s.split()[1:]))
    return C, list(VERBS), list(FORMS)


def count_person_from_form(sentences):
    """Ignores the subject: yo hablaba and él hablaba land in the same (first) cell."""
    C = _parse(sentences, person_rule=False)
    return C, list(VERBS), list(FORMS)


def count_ir_by_first_letter(sentences):
    """Decides ir by the complement's first *letter*: "fue amable" becomes ir."""
    C = _parse(sentences, ir_rule="letter")
    return C, list(VERBS), list(FORMS)


def count_form_alone(sentences):
    """Looks up the form alone, the first (verb, tense, person) of TABLE that has it: neither
    the subject nor the ser/ir rule is used."""
    first_reading = {}
    for (verb, tense, person), form in TABLE.items():
        first_reading.setdefault(form, (verb, tense, person))
    C = np.zeros((len(VERBS), len(FORMS)), dtype=int)
    for sentence in sentences:
        verb, tense, person = first_reading[sentence.split()[1]]
        C[VERBS.index(verb), FORMS.index((tense, person))] += 1
    return C, list(VERBS), list(FORMS)


def count_ir_by_startswith(sentences):
    """Subject right, but ir whenever the rest of the sentence startswith("a")."""
    lookup = {}
    for (verb, tense, person), form in TABLE.items():
        lookup.setdefault((form, person), []).append((verb, tense))
    C = np.zeros((len(VERBS), len(FORMS)), dtype=int)
    for sentence in sentences:
        subject, form, rest = sentence.split(" ", 2)
        person = _PERSON_OF[subject]
        candidates = lookup[form, person]
        if len(candidates) > 1:
            wanted = "ir" if rest.startswith("a") else "ser"
            candidates = [c for c in candidates if c[0] == wanted]
        verb, tense = candidates[0]
        C[VERBS.index(verb), FORMS.index((tense, person))] += 1
    return C, list(VERBS), list(FORMS)


def count_always_ser(sentences):
    """Never applies the complement rule: every fui/fuiste/fue counts as ser."""
    C = _parse(sentences, ir_rule="never")
    return C, list(VERBS), list(FORMS)


def count_transposed(sentences):
    """Forms as rows and verbs as columns: (15, 20)."""
    C = _parse(sentences)
    return C.T, list(VERBS), list(FORMS)


def count_float(sentences):
    """Right counts in a float array (np.zeros without dtype=int)."""
    C = _parse(sentences)
    return C.astype(float), list(VERBS), list(FORMS)


def count_regex_words(sentences):
    """Splits with the regex \\w+ in ASCII mode: accented words fall apart and are skipped."""
    kept = []
    for sentence in sentences:
        words = re.findall(r"[A-Za-z]+", sentence)
        if len(words) >= 2 and words[1] == sentence.split()[1]:
            kept.append(sentence)
    C = _parse(kept)
    return C, list(VERBS), list(FORMS)


# --------------------------------------------------------------------------------------
# compression_ratio
# --------------------------------------------------------------------------------------


def ratio_inverse(m, n, k):
    return k * (m + n + 1) / (m * n)


def ratio_folded(m, n, k):
    return m * n / (k * (m + n))


def ratio_integer_division(m, n, k):
    return m * n // (k * (m + n + 1))


def ratio_precedence(m, n, k):
    return m * n / k * (m + n + 1)


def ratio_no_k(m, n, k):
    return m * n / (m + n + 1)


# --------------------------------------------------------------------------------------
# rank_for_energy
# --------------------------------------------------------------------------------------


def _energies(C, power=2):
    s = np.linalg.svd(np.asarray(C, dtype=float), compute_uv=False)
    return s, np.cumsum(s**power) / np.sum(s**power)


def energy_from_s(C, fraction):
    """Shares of sum(s_i) instead of sum(s_i^2)."""
    s, energy = _energies(C, power=1)
    if fraction <= 1e-12:
        return 0
    return int(np.argmax(energy >= fraction - 1e-12)) + 1


def energy_off_by_one(C, fraction):
    """Returns the position of the first layer that reaches the share, not the count."""
    s, energy = _energies(C)
    return int(np.argmax(energy >= fraction - 1e-12))


def energy_strict(C, fraction):
    """Uses > instead of >=: a share reached exactly is not enough."""
    s, energy = _energies(C)
    kept = np.concatenate([[0.0], energy])
    above = np.nonzero(kept > fraction)[0]
    return int(above[0]) if above.size else len(s)


def energy_no_slack(C, fraction):
    """Compares without the 1e-12 slack: rounding makes fraction = 1.0 unreachable."""
    s, energy = _energies(C)
    return int(np.searchsorted(energy, fraction) + 1) if fraction > 0 else 0


def energy_at_least_one(C, fraction):
    """Starts counting at k = 1, so fraction = 0 gives 1."""
    s, energy = _energies(C)
    return int(np.argmax(energy >= fraction - 1e-12)) + 1


def energy_numerical_rank(C, fraction):
    """Counts the singular values above fraction * s_1 (a threshold, not a share)."""
    s, _ = _energies(C)
    return int(np.sum(s > (1 - fraction) * s[0])) if fraction < 1 else len(s)


# --------------------------------------------------------------------------------------
# verb_embedding
# --------------------------------------------------------------------------------------


def _svd(C):
    return np.linalg.svd(np.asarray(C, dtype=float), full_matrices=False)


def embedding_u_only(C, k):
    U, s, Vt = _svd(C)
    return U[:, :k]


def embedding_s_squared(C, k):
    U, s, Vt = _svd(C)
    return U[:, :k] * s[:k] ** 2


def embedding_v(C, k):
    """The forms' embedding V_k S_k, shape (n, k), instead of the verbs'."""
    U, s, Vt = _svd(C)
    return Vt[:k].T * s[:k]


def embedding_k_plus_one(C, k):
    U, s, Vt = _svd(C)
    return U[:, : k + 1] * s[: k + 1]


def embedding_sqrt_s(C, k):
    U, s, Vt = _svd(C)
    return U[:, :k] * np.sqrt(s[:k])


def embedding_smallest(C, k):
    """The last k columns (smallest singular values) instead of the first."""
    U, s, Vt = _svd(C)
    return U[:, -k:] * s[-k:]


def embedding_all_columns(C, k):
    """U S with every column, whatever k."""
    U, s, Vt = _svd(C)
    return U * s


# --------------------------------------------------------------------------------------
# nearest_verbs
# --------------------------------------------------------------------------------------


def _embed(C, k, scale=True):
    U, s, Vt = _svd(C)
    return U[:, :k] * s[:k] if scale else U[:, :k]


def _cosine_order(E, i):
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    return np.argsort(-(unit @ unit[i]))


def nearest_includes_itself(C, verbs, verb, k, n):
    i = list(verbs).index(verb)
    return [list(verbs)[j] for j in _cosine_order(_embed(C, k), i)[:n]]


def nearest_farthest_first(C, verbs, verb, k, n):
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(_embed(C, k), i)[::-1] if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_euclidean(C, verbs, verb, k, n):
    E = _embed(C, k)
    i = list(verbs).index(verb)
    order = [j for j in np.argsort(np.linalg.norm(E - E[i], axis=1)) if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_dot_product(C, verbs, verb, k, n):
    """Ranks by the unnormalised inner product: frequent verbs win."""
    E = _embed(C, k)
    i = list(verbs).index(verb)
    order = [j for j in np.argsort(-(E @ E[i])) if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_k_plus_one(C, verbs, verb, k, n):
    E = _embed(C, k + 1)
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(E, i) if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_u_without_s(C, verbs, verb, k, n):
    E = _embed(C, k, scale=False)
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(E, i) if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_full_rows(C, verbs, verb, k, n):
    """Cosine of the raw rows of C: ignores k."""
    E = np.asarray(C, dtype=float)
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(E, i) if j != i]
    return [list(verbs)[j] for j in order[:n]]


def nearest_global_verbs(C, verbs, verb, k, n):
    """Uses VERBS for the names instead of the `verbs` it was given."""
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(_embed(C, k), i) if j != i]
    names = list(VERBS) + [f"extra{j}" for j in range(len(VERBS), len(order) + 1)]
    return [names[j] for j in order[:n]]


WRONG_ANSWERS = {
    "count_matrix": [
        ("skips sentences with accents (non-ASCII)", count_ascii_only),
        ("skips sentences with capitalised complement words", count_skips_capitalised_complements),
        ("takes the person from the form, not the subject", count_person_from_form),
        ("ir by the complement's first letter, not its first word", count_ir_by_first_letter),
        ("looks up the form alone: no subject, no ser/ir rule", count_form_alone),
        ("ser/ir by rest.startswith(\"a\")", count_ir_by_startswith),
        ("fui/fuiste/fue always counted as ser", count_always_ser),
        ("transposed count matrix (forms x verbs)", count_transposed),
        ("float counts", count_float),
        ("ASCII-only word regex drops accented sentences", count_regex_words),
    ],
    "compression_ratio": [
        ("inverse ratio", ratio_inverse),
        ("S folded in: k (m + n)", ratio_folded),
        ("integer division", ratio_integer_division),
        ("missing parentheses: m n / k * (m + n + 1)", ratio_precedence),
        ("forgets k", ratio_no_k),
    ],
    "rank_for_energy": [
        ("energy from s instead of s^2", energy_from_s),
        ("off by one: returns the index, not the count", energy_off_by_one),
        ("strict > instead of >=", energy_strict),
        ("no 1e-12 slack", energy_no_slack),
        ("never returns 0", energy_at_least_one),
        ("threshold on s_i / s_1 instead of a share of the energy", energy_numerical_rank),
    ],
    "verb_embedding": [
        ("U_k without S_k", embedding_u_only),
        ("U_k S_k^2", embedding_s_squared),
        ("V_k S_k (the forms)", embedding_v),
        ("k + 1 columns", embedding_k_plus_one),
        ("U_k sqrt(S_k)", embedding_sqrt_s),
        ("the last k columns", embedding_smallest),
        ("U S, all columns", embedding_all_columns),
    ],
    "nearest_verbs": [
        ("includes the verb itself", nearest_includes_itself),
        ("farthest first", nearest_farthest_first),
        ("Euclidean distance instead of cosine", nearest_euclidean),
        ("unnormalised dot product", nearest_dot_product),
        ("off by one in k (k + 1 dimensions)", nearest_k_plus_one),
        ("U_k without S_k", nearest_u_without_s),
        ("cosine of the full rows of C (ignores k)", nearest_full_rows),
        ("ignores the names it is given", nearest_global_verbs),
    ],
}


# --------------------------------------------------------------------------------------
# other right answers
# --------------------------------------------------------------------------------------


def count_lowercase_subject(sentences):
    """Lowercases the subject before the lookup and counts with collections.Counter."""
    from collections import Counter

    person_of = {"yo": "1sg", "tú": "2sg", "él": "3sg", "ella": "3sg"}
    cells = Counter()
    for sentence in sentences:
        subject, form, *rest = sentence[:-1].split(" ")
        person = person_of[subject.lower()]
        options = [(v, t) for (v, t, p), f in TABLE.items() if f == form and p == person]
        if len(options) > 1:
            verb = "ir" if rest[0] in {"a", "al"} else "ser"
            options = [o for o in options if o[0] == verb]
        cells[VERBS.index(options[0][0]), FORMS.index((options[0][1], person))] += 1
    C = np.zeros((20, 15), dtype=np.int64)
    for (i, j), count in cells.items():
        C[i, j] = count
    return C, list(VERBS), list(FORMS)


def embedding_c_times_v(C, k):
    """C V_k equals U_k S_k."""
    U, s, Vt = _svd(C)
    return np.asarray(C, dtype=float) @ Vt[:k].T


def embedding_flipped(C, k):
    U, s, Vt = _svd(C)
    return -U[:, :k] * s[:k]


def nearest_flipped_signs(C, verbs, verb, k, n):
    """Flips the sign of every other column of the embedding first: cosine is unchanged."""
    E = _embed(C, k) * np.where(np.arange(k) % 2, -1.0, 1.0)
    i = list(verbs).index(verb)
    order = [j for j in _cosine_order(E, i) if j != i]
    return [list(verbs)[j] for j in order[:n]]


OTHER_RIGHT_ANSWERS = {
    "count_matrix": [("lowercased subjects, Counter", count_lowercase_subject)],
    "verb_embedding": [("C @ V_k", embedding_c_times_v), ("negated columns", embedding_flipped)],
    "nearest_verbs": [("sign-flipped embedding columns", nearest_flipped_signs)],
}
