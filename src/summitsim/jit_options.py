"""How a trial's functions are compiled: numba's ``njit`` without its runtime.

:func:`njit_no_runtime` is ``numba.njit(_nrt=False, ...)``: a function compiled without
numba's reference-counting runtime. The functions a trial runs allocate nothing and return
no array of their own; with the runtime about two thirds of a trial's time went to atomic
reference counts on array arguments and views (measured with ``perf`` on the Budapest
files). Numba refuses to compile a function without the runtime if it allocates or
returns a new array, so the option cannot make one unsafe: the functions that allocate
(the block drivers, ``rules.tradeoff_offer``) and the views called from Python keep it. A
function without the runtime may only call others without it (numba compiles a callee
with its caller's flags).

Without the runtime, what a call costs is its arguments: numba passes each array as its
fields (seven words for a vector, nine for a matrix), so a call with a dozen arrays copies
about a hundred words. The hot path of a trial therefore has few call levels: the block
loops inline the trial and its dispatch (``kernel._trial``, ``kernel.negotiate_with_scratch``)
and call the protocol, and the small pieces of the talks are inlined into it
(``inline="always"``).
On the schema 2 Budapest file that, with the loops compiled without the runtime, took the
kernel from about 1.2 to over 2 million trials a second on 2 cores
(``experiments/benchmark.py``). Inlining costs compile time, so the large functions
(``talks.talks2``, the draws) stay calls.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from numba import njit

_Function = TypeVar("_Function", bound=Callable[..., Any])


def njit_no_runtime(**options: Any) -> Callable[[_Function], _Function]:
    """``numba.njit(**options)`` without numba's runtime (``_nrt=False``, an option numba's
    own type stubs do not list)."""
    decorator: Callable[[_Function], _Function] = njit(_nrt=False, **options)  # type: ignore[call-overload]
    return decorator
