"""read_envelope parses with a parser per thread (threads sharing one lxml parser queue up):
each thread gets its own message back, and a thread's new parser is as strict as the shared
one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from contracts.riv import SOAP_ENV, NotWellFormed, read_envelope


def envelope(payload: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Header/><s:Body>{payload}</s:Body></s:Envelope>'
    ).encode()


def test_each_thread_reads_its_own_message() -> None:
    def read(n: int) -> str | None:
        return read_envelope(envelope(f"<m><n>{n}</n>{'<x/>' * (n % 50)}</m>")).payload.findtext(
            "n"
        )

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(read, range(2_000))) == [str(n) for n in range(2_000)]


def test_a_new_threads_parser_refuses_what_the_shared_one_does() -> None:
    deep = envelope("<a>" * 300 + "</a>" * 300)  # libxml2 stops at depth 256 without huge_tree
    refused: list[BaseException] = []

    def read() -> None:
        try:
            read_envelope(deep)
        except NotWellFormed as exc:
            refused.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert refused
    with pytest.raises(NotWellFormed):
        read_envelope(deep)
