"""The embedded store's own answers to the port reads that GraphStore defines over its other
reads (context_links, families): the same as those definitions, on generated histories, under
every view. The embedded versions take shortcuts for speed (unsorted timelines, places pruned
before visibility checks, answers remembered per reader); these tests hold the shortcuts to
the definition. Neo4j's versions are held to the embedded store's by test_store_parity."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from graphsvc.store import EmbeddedStore
from graphsvc.store.base import GraphStore
from graphsvc.vocabulary import CONTEXT_KINDS
from strategies import histories, in_order, load_history, views_for


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories())
def test_context_links_and_families_answer_as_the_port_defines_them(tmp_path_factory, history):
    batches, decisions, auths = history
    store = EmbeddedStore(tmp_path_factory.mktemp("definitions") / "e.db")
    try:
        load_history([store], batches, decisions)
        log = list(store.log())
        times = sorted({a.recorded_at for a in log} | {d.decided_at for d in store.decisions()})
        moments = sorted({a.valid_from or a.recorded_at for a in log})
        windows = [(None, None), (moments[0], moments[len(moments) // 2]), (moments[len(moments) // 2], None), (moments[-1], moments[-1])]
        people = sorted({a.subject for a in log}) + ["nobody"]
        for view in views_for(times, auths):
            for start, end in windows:
                for kinds, least in ((CONTEXT_KINDS, 1), (CONTEXT_KINDS, 2), ({"venue"}, 1), ({"park"}, 2)):
                    assert in_order(store.context_links(view, kinds, start, end, least)) == in_order(GraphStore.context_links(store, view, kinds, start, end, least))
            defined = GraphStore.families(store, people, view)
            assert store.families(people, view) == defined
            assert store.families(people, view) == defined  # and again, from what it remembered
            some = people[::-1][:3]  # remembered relatives, outside these people, are left out
            assert store.families(some, view) == GraphStore.families(store, some, view) == {p: defined[p] & set(some) for p in some}
    finally:
        store.close()
