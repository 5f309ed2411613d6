"""Spanish conjugation tables and the synthetic corpus of the capstone lab (chapter 7).

The capstone lab counts how often each of 20 Spanish verbs appears in each of 15 forms
in a corpus of short sentences, and compresses the resulting ``(20, 15)`` count matrix
with the SVD. This module holds the two things the lab needs and nothing more: the
conjugation tables that a student parses against, and a seeded generator of the corpus.
Turning the sentences into the count matrix is the student's job, so there is no parser
here and the generator's labels are not exported.

Verbs, tenses and persons
-------------------------
:data:`VERBS` fixes the row order: the 12 regular verbs grouped by class, then the 8
irregular ones, most frequent first.

=============  ====================================================
class          verbs
=============  ====================================================
``-ar``        hablar, trabajar, estudiar, caminar
``-er``        comer, beber, aprender, vender
``-ir``        vivir, recibir, subir, decidir
irregular      ser, estar, tener, hacer, ir, decir, poder, saber
=============  ====================================================

:data:`FORMS` fixes the column order: 5 indicative simple tenses (:data:`TENSES`:
present, preterite, imperfect, future, conditional) times 3 singular persons
(:data:`PERSONS`: ``"1sg"``, ``"2sg"``, ``"3sg"``, whose subjects are yo, tú, él/ella),
tense-major: the three persons of the present first, then of the preterite, and so on.
Regular forms come from stem-plus-ending rules; the irregular verbs override the tenses
where they differ (every present and preterite, the imperfect of ser and ir, and the
future and conditional stems tendr-, har-, dir-, podr-, sabr-).

What a sentence looks like
--------------------------
Every sentence has the shape ``<Subject> <form> <complement>.``, words separated by
single spaces, for example ``"Yo hablo con la vecina."`` or ``"Ella fue a la playa."``:

- the first word is the subject, one of ``Yo``, ``Tú``, ``Él``, ``Ella`` (capitalised,
  accents kept; for the third person ``Él`` and ``Ella`` are equally likely);
- the second word is the verb form, exactly as in the tables (lowercase, accents kept);
- the rest, up to the final full stop, is the complement. No complement word is itself
  one of the 300 forms in the tables, and no complement begins with a capital letter.

How a sentence determines its verb, tense and person
----------------------------------------------------
Some forms are shared, so the form alone does not always identify the cell. Two rules
resolve every case, and they are the only ones needed:

1. **The subject fixes the person**: ``Yo`` is ``"1sg"``, ``Tú`` is ``"2sg"``, ``Él`` and
   ``Ella`` are ``"3sg"``. This matters because the first and third persons coincide in
   the imperfect and the conditional of every verb (yo hablaba, ella hablaba; yo
   tendría, él tendría).
2. **The complement separates ser from ir in the preterite**: both conjugate as fui,
   fuiste, fue. The form belongs to *ir* when the complement's first word is ``a`` or
   ``al`` (``al`` is ``a`` + ``el``: "fue a la playa", "fuiste al mercado"), and to *ser*
   otherwise ("fue muy amable"). Every complement of ir begins with ``a`` or ``al``, and
   no complement of any other verb does.

Given the person, every other form in the tables belongs to exactly one (verb, tense).

The generative model
--------------------
:func:`generate_corpus` draws each sentence independently:

- **verb**: a Zipf law over :data:`FREQUENCY_ORDER`, the verbs from most to least
  frequent, with ``P(rank r) ∝ r ** -ZIPF_EXPONENT`` and ``ZIPF_EXPONENT = 1.0``. The 8
  irregular verbs take ranks 1-8 (ser, estar, tener, hacer, ir, decir, poder, saber, as in
  frequency lists of real Spanish), so together they make up about three quarters of the
  sentences;
- **tense, given the verb**: each verb belongs to a group (:data:`TENSE_GROUP`) with a
  typical tense distribution (:data:`TENSE_PREFERENCES`):

  ==========  ==========================  =======  =========  =========  ======  ===========
  group       verbs                       present  preterite  imperfect  future  conditional
  ==========  ==========================  =======  =========  =========  ======  ===========
  regular     the 12 regular verbs        0.46     0.24       0.12       0.10    0.08
  stative     ser, estar, tener           0.42     0.22       0.22       0.07    0.07
  narrative   hacer, ir, decir            0.30     0.44       0.12       0.08    0.06
  modal       poder, saber                0.42     0.14       0.18       0.08    0.18
  ==========  ==========================  =======  =========  =========  ======  ===========

  The stative verbs lean to the imperfect (era, estaba, tenía), the narrative verbs to
  the preterite (hizo, fue, dijo), the modal verbs to the conditional (podría, sabría);
- **person, given the verb**: a distribution by class (:data:`PERSON_PREFERENCES`),
  the third person most frequent:

  ==========  =====  =====  =====
  class       1sg    2sg    3sg
  ==========  =====  =====  =====
  regular     0.30   0.15   0.55
  irregular   0.25   0.12   0.63
  ==========  =====  =====  =====

  Tense and person are drawn independently given the verb;
- **per-verb variation**: before any sentence is drawn, each verb's tense distribution
  is replaced by a draw from a Dirichlet distribution with mean its group's distribution
  and concentration ``DIRICHLET_CONCENTRATION = 60`` (parameters ``60 * p``), and the
  same for its person distribution. Two verbs of the same group therefore share a
  typical profile without having identical ones;
- **wording**: ``Él`` or ``Ella`` with probability 1/2 each for the third person, and a
  complement drawn uniformly from the verb's five in :data:`COMPLEMENTS`.

The count matrix of such a corpus is, up to sampling noise, a frequency-weighted stack
of a few typical profiles plus the per-verb variation: a matrix with a few large singular
values and a tail, which is what the lab's SVD uncovers.

Examples
--------
>>> from svdcourse.conjugations import VERBS, FORMS, conjugate, generate_corpus
>>> len(VERBS), len(FORMS)
(20, 15)
>>> FORMS[:4]
(('present', '1sg'), ('present', '2sg'), ('present', '3sg'), ('preterite', '1sg'))
>>> conjugate("tener", "preterite", "1sg"), conjugate("vivir", "conditional", "2sg")
('tuve', 'vivirías')
>>> corpus = generate_corpus(rng=0)   # the lab's corpus: 10,000 sentences, seed 0
>>> len(corpus)
10000
>>> corpus[0].split()[0] in {"Yo", "Tú", "Él", "Ella"} and corpus[0].endswith(".")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from types import MappingProxyType

import numpy as np

from svdcourse._rng import as_generator

__all__ = [
    "VERBS",
    "REGULAR",
    "IRREGULAR",
    "VERB_CLASS",
    "TENSES",
    "PERSONS",
    "SUBJECTS",
    "FORMS",
    "TABLE",
    "COMPLEMENTS",
    "FREQUENCY_ORDER",
    "ZIPF_EXPONENT",
    "TENSE_GROUP",
    "TENSE_PREFERENCES",
    "PERSON_PREFERENCES",
    "DIRICHLET_CONCENTRATION",
    "conjugate",
    "generate_corpus",
]

# ---------------------------------------------------------------------------------------
# Verbs, tenses, persons
# ---------------------------------------------------------------------------------------

#: The 12 regular verbs, four each of -ar, -er and -ir, in row order.
REGULAR: tuple[str, ...] = (
    "hablar", "trabajar", "estudiar", "caminar",
    "comer", "beber", "aprender", "vender",
    "vivir", "recibir", "subir", "decidir",
)

#: The 8 irregular verbs, most frequent first, in row order.
IRREGULAR: tuple[str, ...] = (
    "ser", "estar", "tener", "hacer", "ir", "decir", "poder", "saber",
)

#: The 20 verbs in row order of the count matrix, regular (-ar, -er, -ir) then irregular.
VERBS: tuple[str, ...] = REGULAR + IRREGULAR

#: The class of each verb, ``"-ar"``, ``"-er"``, ``"-ir"`` or ``"irregular"`` (for plots).
VERB_CLASS: Mapping[str, str] = MappingProxyType(
    {v: ("irregular" if v in IRREGULAR else "-" + v[-2:]) for v in VERBS}
)

#: The five indicative simple tenses, in column order.
TENSES: tuple[str, ...] = ("present", "preterite", "imperfect", "future", "conditional")

#: The three singular persons, in column order within each tense.
PERSONS: tuple[str, ...] = ("1sg", "2sg", "3sg")

#: The subject pronoun of each person in :data:`PERSONS` (the third: él or ella).
SUBJECTS: tuple[str, ...] = ("yo", "tú", "él/ella")

#: The 15 columns of the count matrix, ``(tense, person)`` pairs, tense-major.
FORMS: tuple[tuple[str, str], ...] = tuple((t, p) for t in TENSES for p in PERSONS)

# Regular endings for 1sg, 2sg, 3sg. Present, preterite and imperfect attach to the stem
# (the infinitive without -ar/-er/-ir); future and conditional attach to the infinitive.
_STEM_ENDINGS = {
    "ar": {
        "present": ("o", "as", "a"),
        "preterite": ("é", "aste", "ó"),
        "imperfect": ("aba", "abas", "aba"),
    },
    "er": {
        "present": ("o", "es", "e"),
        "preterite": ("í", "iste", "ió"),
        "imperfect": ("ía", "ías", "ía"),
    },
    "ir": {
        "present": ("o", "es", "e"),
        "preterite": ("í", "iste", "ió"),
        "imperfect": ("ía", "ías", "ía"),
    },
}
_FUTURE_ENDINGS = {
    "future": ("é", "ás", "á"),
    "conditional": ("ía", "ías", "ía"),
}

# Irregular verbs: the tenses that do not follow the rules, listed in full ...
_IRREGULAR_TENSES = {
    "ser": {
        "present": ("soy", "eres", "es"),
        "preterite": ("fui", "fuiste", "fue"),
        "imperfect": ("era", "eras", "era"),
    },
    "estar": {
        "present": ("estoy", "estás", "está"),
        "preterite": ("estuve", "estuviste", "estuvo"),
    },
    "tener": {
        "present": ("tengo", "tienes", "tiene"),
        "preterite": ("tuve", "tuviste", "tuvo"),
    },
    "hacer": {
        "present": ("hago", "haces", "hace"),
        "preterite": ("hice", "hiciste", "hizo"),
    },
    "ir": {
        "present": ("voy", "vas", "va"),
        "preterite": ("fui", "fuiste", "fue"),
        "imperfect": ("iba", "ibas", "iba"),
    },
    "decir": {
        "present": ("digo", "dices", "dice"),
        "preterite": ("dije", "dijiste", "dijo"),
    },
    "poder": {
        "present": ("puedo", "puedes", "puede"),
        "preterite": ("pude", "pudiste", "pudo"),
    },
    "saber": {
        "present": ("sé", "sabes", "sabe"),
        "preterite": ("supe", "supiste", "supo"),
    },
}
# ... and the irregular stems of the future and the conditional (others use the infinitive).
_FUTURE_STEMS = {
    "tener": "tendr", "hacer": "har", "decir": "dir", "poder": "podr", "saber": "sabr",
}


def _build_table() -> dict[tuple[str, str, str], str]:
    """Every form, keyed by ``(verb, tense, person)``: the rules, then the overrides."""
    table = {}
    for verb in VERBS:
        stem, cls = verb[:-2], verb[-2:]
        endings = {t: tuple(stem + e for e in es) for t, es in _STEM_ENDINGS[cls].items()}
        future_stem = _FUTURE_STEMS.get(verb, verb)
        endings.update(
            {t: tuple(future_stem + e for e in es) for t, es in _FUTURE_ENDINGS.items()}
        )
        endings.update(_IRREGULAR_TENSES.get(verb, {}))
        for tense in TENSES:
            for person, form in zip(PERSONS, endings[tense]):
                table[verb, tense, person] = form
    return table


#: All 300 forms, keyed by ``(verb, tense, person)``, e.g. ``TABLE["ir", "imperfect", "1sg"]``
#: is ``"iba"``. Read-only.
TABLE: Mapping[tuple[str, str, str], str] = MappingProxyType(_build_table())

#: Five complements per verb, each tense- and person-neutral. Only ir's begin with the word
#: ``a`` or ``al``, which is how the preterite of ir (fui a ...) is told from that of ser.
COMPLEMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "hablar": ("con la vecina", "por teléfono", "en voz baja", "con el médico", "demasiado"),
    "trabajar": ("en una oficina", "desde casa", "los sábados", "en el hospital", "mucho"),
    "estudiar": ("matemáticas", "para el examen", "en la biblioteca", "historia", "cada noche"),
    "caminar": ("por el parque", "hasta la estación", "con el perro", "por la playa", "despacio"),
    "comer": ("pescado", "en un restaurante", "con unos amigos", "fruta", "demasiado rápido"),
    "beber": ("agua", "café con leche", "un zumo de naranja", "té verde", "mucha agua"),
    "aprender": ("inglés", "francés", "la lección", "cosas nuevas", "mucho en clase"),
    "vender": ("el coche", "fruta en el mercado", "libros usados", "la casa", "flores"),
    "vivir": (
        "en Madrid", "cerca del río", "con la familia", "en el campo", "en un piso pequeño",
    ),
    "recibir": ("una carta", "un regalo", "muchos mensajes", "buenas noticias", "un premio"),
    "subir": ("la escalera", "la montaña", "las maletas", "en el ascensor", "por la colina"),
    "decidir": ("el menú", "la fecha del viaje", "pronto", "con calma", "el nombre del perro"),
    "ser": ("muy paciente", "un buen ejemplo", "muy amable", "feliz aquí", "una persona puntual"),
    "estar": ("en casa", "en el parque", "de vacaciones", "de buen humor", "lejos de aquí"),
    "tener": ("hambre", "un perro", "mucha prisa", "dos hermanos", "tiempo libre"),
    "hacer": ("la cena", "los deberes", "un pastel", "ejercicio", "la cama"),
    "ir": ("a la playa", "al mercado", "a la escuela", "al cine", "a Madrid"),
    "decir": ("la verdad", "que sí", "que no", "una mentira", "algo importante"),
    "poder": ("venir mañana", "ayudar", "abrir la puerta", "nadar muy bien", "entrar"),
    "saber": ("la respuesta", "nadar", "el nombre de la calle", "la verdad", "cocinar"),
})

# ---------------------------------------------------------------------------------------
# The generative model
# ---------------------------------------------------------------------------------------

#: The verbs from most to least frequent, rank 1 first (the Zipf law's ranks).
FREQUENCY_ORDER: tuple[str, ...] = IRREGULAR + (
    "hablar", "vivir", "trabajar", "comer", "estudiar", "recibir",
    "aprender", "caminar", "decidir", "beber", "vender", "subir",
)

#: Exponent ``a`` of the Zipf law ``P(rank r) ∝ r ** -a`` over :data:`FREQUENCY_ORDER`.
ZIPF_EXPONENT: float = 1.0

#: The tense group of each verb (a key of :data:`TENSE_PREFERENCES`).
TENSE_GROUP: Mapping[str, str] = MappingProxyType({
    **{v: "regular" for v in REGULAR},
    **{v: "stative" for v in ("ser", "estar", "tener")},
    **{v: "narrative" for v in ("hacer", "ir", "decir")},
    **{v: "modal" for v in ("poder", "saber")},
})

#: Typical tense distribution of each group, in the order of :data:`TENSES`.
TENSE_PREFERENCES: Mapping[str, tuple[float, ...]] = MappingProxyType({
    "regular": (0.46, 0.24, 0.12, 0.10, 0.08),
    "stative": (0.42, 0.22, 0.22, 0.07, 0.07),
    "narrative": (0.30, 0.44, 0.12, 0.08, 0.06),
    "modal": (0.42, 0.14, 0.18, 0.08, 0.18),
})

#: Typical person distribution of regular and irregular verbs, in the order of :data:`PERSONS`.
PERSON_PREFERENCES: Mapping[str, tuple[float, ...]] = MappingProxyType({
    "regular": (0.30, 0.15, 0.55),
    "irregular": (0.25, 0.12, 0.63),
})

#: Concentration of the per-verb Dirichlet draws around the typical distributions; a
#: verb's tense distribution is drawn from ``Dirichlet(DIRICHLET_CONCENTRATION * p)``.
DIRICHLET_CONCENTRATION: float = 60.0

_SUBJECT_WORDS = ("Yo", "Tú")  # 1sg, 2sg; the third person takes "Él" or "Ella"


def _sample(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices drawn row by row: ``cumulative`` holds cumulative probabilities (last 1)."""
    return (u[:, None] >= cumulative).sum(axis=1)


def _generate(n_sentences: int, rng) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The corpus with its labels: sentences, verb indices (into VERBS), form indices (into FORMS).

    Private on purpose: the lab asks students to recover the labels from the text.
    """
    if isinstance(n_sentences, bool) or not isinstance(n_sentences, Integral):
        raise TypeError(
            f"n_sentences must be a whole number of sentences; got {type(n_sentences).__name__} "
            f"{n_sentences!r}."
        )
    n = int(n_sentences)
    if n < 0:
        raise ValueError(f"n_sentences must be 0 or more; got {n}.")
    gen = as_generator(rng, "a reproducible corpus")

    # 1. Per-verb distributions, in the order of VERBS: all tense draws, then all person draws.
    tense_p = np.array([
        gen.dirichlet(DIRICHLET_CONCENTRATION * np.array(TENSE_PREFERENCES[TENSE_GROUP[v]]))
        for v in VERBS
    ])
    person_p = np.array([
        gen.dirichlet(DIRICHLET_CONCENTRATION * np.array(
            PERSON_PREFERENCES["irregular" if v in IRREGULAR else "regular"]))
        for v in VERBS
    ])

    # 2. Zipf frequencies, rearranged from frequency order into row order.
    ranks = np.array([FREQUENCY_ORDER.index(v) + 1 for v in VERBS], dtype=float)
    verb_p = ranks ** -ZIPF_EXPONENT
    verb_p /= verb_p.sum()

    # 3. Sentences: five uniforms per sentence, sentence by sentence, so that a shorter
    #    corpus is a prefix of a longer one with the same seed.
    u_verb, u_tense, u_person, u_gender, u_complement = gen.random((n, 5)).T
    verb_cum = np.cumsum(verb_p)
    verb_cum[-1] = 1.0
    verb_idx = np.searchsorted(verb_cum, u_verb, side="right")
    tense_cum = np.cumsum(tense_p, axis=1)
    tense_cum[:, -1] = 1.0
    person_cum = np.cumsum(person_p, axis=1)
    person_cum[:, -1] = 1.0
    tense_idx = _sample(tense_cum[verb_idx], u_tense)
    person_idx = _sample(person_cum[verb_idx], u_person)
    n_complements = np.array([len(COMPLEMENTS[v]) for v in VERBS])
    complement_idx = (u_complement * n_complements[verb_idx]).astype(int)

    sentences = []
    for v, t, p, g, c in zip(
        verb_idx.tolist(), tense_idx.tolist(), person_idx.tolist(),
        (u_gender < 0.5).tolist(), complement_idx.tolist(),
    ):
        verb = VERBS[v]
        subject = _SUBJECT_WORDS[p] if p < 2 else ("Él" if g else "Ella")
        form = TABLE[verb, TENSES[t], PERSONS[p]]
        sentences.append(_sentence(subject, form, COMPLEMENTS[verb][c]))
    form_idx = tense_idx * len(PERSONS) + person_idx
    return sentences, verb_idx, form_idx


def _sentence(subject: str, form: str, complement: str) -> str:
    """One sentence in the documented shape ``<Subject> <form> <complement>.``."""
    return f"{subject} {form} {complement}."


# ---------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------

def conjugate(verb: str, tense: str, person: str) -> str:
    """Return the form of a verb in a tense and person, as it appears in the corpus.

    Parameters
    ----------
    verb : str
        An infinitive from :data:`VERBS`, lowercase (``"hablar"``, ``"ser"``, ...).
    tense : str
        One of :data:`TENSES`: ``"present"``, ``"preterite"``, ``"imperfect"``,
        ``"future"`` or ``"conditional"`` (all indicative).
    person : str
        One of :data:`PERSONS`: ``"1sg"`` (yo), ``"2sg"`` (tú) or ``"3sg"`` (él/ella).

    Returns
    -------
    str
        The conjugated form, lowercase, with its accents (``"habló"``, ``"tendrías"``).

    Raises
    ------
    ValueError
        If the verb, tense or person is not one of the course's; the message lists the
        allowed values.

    Notes
    -----
    Regular verbs follow stem + ending rules: the stem is the infinitive without its last
    two letters for the present, preterite and imperfect, and the whole infinitive for
    the future and conditional (``hablar`` -> ``hablaré``, ``hablaría``). Irregular verbs
    replace the tenses where they differ. This is the same lookup as ``TABLE[verb, tense,
    person]``.

    Examples
    --------
    >>> conjugate("hablar", "preterite", "3sg")
    'habló'
    >>> conjugate("hacer", "preterite", "3sg")
    'hizo'
    >>> [conjugate("ir", "preterite", p) for p in PERSONS]
    ['fui', 'fuiste', 'fue']
    >>> conjugate("ser", "preterite", "1sg") == conjugate("ir", "preterite", "1sg")
    True
    >>> conjugate("comer", "imperfect", "1sg") == conjugate("comer", "imperfect", "3sg")
    True
    """
    if verb not in VERBS:
        hint = ""
        if isinstance(verb, str) and verb.strip().lower() in VERBS:
            hint = f" Infinitives are lowercase without spaces: try {verb.strip().lower()!r}."
        raise ValueError(
            f"unknown verb {verb!r}; the corpus has these 20: {', '.join(VERBS)}.{hint}"
        )
    if tense not in TENSES:
        raise ValueError(f"unknown tense {tense!r}; expected one of {', '.join(TENSES)}.")
    if person not in PERSONS:
        hint = ""
        pronouns = {"yo": "1sg", "tú": "2sg", "tu": "2sg", "él": "3sg", "el": "3sg",
                    "ella": "3sg", "1": "1sg", "2": "2sg", "3": "3sg"}
        key = str(person).strip().lower()
        if key in pronouns:
            hint = f" Persons are written as in PERSONS: use {pronouns[key]!r} for {person!r}."
        raise ValueError(
            f"unknown person {person!r}; expected one of {', '.join(PERSONS)}.{hint}"
        )
    return TABLE[verb, tense, person]


def generate_corpus(n_sentences: int = 10_000, rng=0) -> list[str]:
    """Generate the lab's synthetic corpus of short Spanish sentences.

    Parameters
    ----------
    n_sentences : int, default 10_000
        How many sentences to generate (0 or more).
    rng : int, numpy.random.Generator or None, default 0
        Seed or generator. The same seed gives the same corpus (with the same numpy
        version); a Generator is used as it is and advanced; None gives a fresh,
        unreproducible corpus.

    Returns
    -------
    list of str
        Sentences of the shape ``<Subject> <form> <complement>.``, e.g.
        ``"Tú eras muy paciente."``.

    Raises
    ------
    TypeError
        If ``n_sentences`` is not a whole number or ``rng`` is not a seed or a Generator.
    ValueError
        If ``n_sentences`` is negative.

    Notes
    -----
    Each sentence is drawn independently. With ``r(v)`` the rank of verb ``v`` in
    :data:`FREQUENCY_ORDER`, ``g(v)`` its tense group and ``c(v)`` its class,

    .. math::

        P(v) \\propto r(v)^{-a}, \\qquad
        P(t \\mid v) = \\pi_v(t), \\quad \\pi_v \\sim \\mathrm{Dirichlet}(\\kappa\\, p_{g(v)}),
        \\qquad
        P(q \\mid v) = \\rho_v(q), \\quad \\rho_v \\sim \\mathrm{Dirichlet}(\\kappa\\, q_{c(v)}),

    with ``a = ZIPF_EXPONENT = 1``, ``kappa = DIRICHLET_CONCENTRATION = 60``, ``p_g`` from
    :data:`TENSE_PREFERENCES` and ``q_c`` from :data:`PERSON_PREFERENCES`. The per-verb
    distributions ``pi_v`` and ``rho_v`` are drawn once per corpus, before the sentences,
    from the same generator (tense for each verb in :data:`VERBS` order, then person);
    then each sentence uses five uniform numbers in turn (verb, tense, person, él/ella,
    complement), so with the same seed a shorter corpus is the start of a longer one.
    The third-person subject is ``Él`` or ``Ella`` with probability 1/2; the complement is
    uniform over the verb's entries in :data:`COMPLEMENTS`. The module docstring states
    the rules that recover the verb, tense and person of every sentence.

    Examples
    --------
    >>> corpus = generate_corpus(4, rng=1)
    >>> len(corpus)
    4
    >>> all(s.endswith(".") and s.split()[0] in {"Yo", "Tú", "Él", "Ella"} for s in corpus)
    True
    >>> generate_corpus(50, rng=7) == generate_corpus(50, rng=7)
    True
    """
    return _generate(n_sentences, rng)[0]
