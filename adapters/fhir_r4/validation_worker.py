"""A FHIR validation worker process: reads length-prefixed JSON payloads on stdin and answers each on stdout with
fhir.resources R4B's verdict. Started and fed by adapters.fhir_r4.validation (python -m adapters.fhir_r4.validation_worker).
"""

from __future__ import annotations

import os
import sys

from adapters.fhir_r4.validation import ANSWER, FAILED, REQUEST, VALID, WARM_UP, encode_problem, problem_of_json
from hub.core.runtime import tune_gc_for_serving


def main() -> None:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answers
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer
    problem_of_json(WARM_UP)  # import the resource models before the first payload
    tune_gc_for_serving()  # a long-running process with large payloads, like the hub that feeds it
    while True:
        header = requests.read(REQUEST.size)
        if len(header) < REQUEST.size:
            return  # the hub closed the pipe: it has stopped
        (size,) = REQUEST.unpack(header)
        text = requests.read(size)
        try:
            problem = problem_of_json(text)
            status, body = (VALID, b"") if problem is None else encode_problem(problem)
        except Exception as exc:  # noqa: BLE001 - a fault of the validator itself: the hub answers 500, as it would in its own thread
            status, body = FAILED, type(exc).__name__.encode()
        answers.write(ANSWER.pack(status, len(body)) + body)
        answers.flush()


if __name__ == "__main__":
    main()

