"""The Prometheus metrics, read from the database at scrape time.

A custom collector rather than counters kept in each process: pages are sent by API processes
and delivered by worker processes, any number of each, so no one process sees everything, and
per-process counters would disagree between processes and restart from zero with each. The
database holds every page, message and job with its timestamps, so every API process answers
the same figures, whichever of them the scraper reaches.

Counters are counts of stored rows (they only grow: rows are never deleted). The two histograms
are of a window, the last CALLROOM_METRICS_WINDOW_S seconds (default an hour), so a scrape reads
a bounded number of rows; they are exposed as gauge histograms (their counts fall as old rows
leave the window), to be read as they are, not with `rate()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from callroom.ops.service import OpsService
from callroom.storage.ops_repositories import Figures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A page should reach its pager within seconds; a minute is an outage.
LATENCY_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
# A solve runs from seconds to the ten minutes the chief may allow.
DURATION_BUCKETS_S = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class DatabaseCollector(Collector):
    """Reads `OpsService.figures()` on each scrape."""

    def __init__(self, ops: OpsService) -> None:
        self._ops = ops

    def collect(self) -> Iterator[Metric]:
        yield from metrics_of(self._ops.figures(), self._ops.window_s)


def metrics_of(figures: Figures, window_s: float) -> Iterator[Metric]:
    yield CounterMetricFamily("callroom_pages_sent", "Pages sent.", value=figures.pages_sent)
    delivered = CounterMetricFamily(
        "callroom_messages_delivered", "Page messages delivered, by channel.", labels=["channel"]
    )
    for channel, n in sorted(figures.delivered.items()):
        delivered.add_metric([channel], n)
    yield delivered
    escalated = CounterMetricFamily(
        "callroom_page_escalations",
        "Escalations of pages: to a policy's next step (escalated) or to its fallback (fallback).",
        labels=["kind"],
    )
    for kind, n in sorted(figures.escalations.items()):
        escalated.add_metric([kind], n)
    yield escalated
    yield _jobs(figures)
    window = f"in the last {window_s:g} s"
    yield _histogram(
        "callroom_page_delivery_latency_seconds",
        f"From a message being due to its delivery, of messages delivered {window}.",
        [([], figures.delivery_latencies_s)],
        LATENCY_BUCKETS_S,
    )
    yield _histogram(
        "callroom_job_duration_seconds",
        f"From a job's last claim to its end, of jobs done {window}, by kind.",
        [([kind], found) for kind, found in sorted(figures.job_durations_s.items())],
        DURATION_BUCKETS_S,
        ["kind"],
    )


def _jobs(figures: Figures) -> GaugeMetricFamily:
    jobs = GaugeMetricFamily("callroom_jobs", "Background jobs, by kind and state.", labels=["kind", "state"])
    for kind in sorted({kind for kind, _ in figures.jobs}):
        for state in JOB_STATES:
            jobs.add_metric([kind, state], figures.jobs.get((kind, state), 0))
    return jobs


def _histogram(
    name: str,
    documentation: str,
    series: Iterable[tuple[list[str], Sequence[float]]],
    bounds: Sequence[float],
    labels: Sequence[str] = (),
) -> GaugeHistogramMetricFamily:
    family = GaugeHistogramMetricFamily(name, documentation, labels=labels)
    for values, found in series:
        buckets = [(f"{b:g}", float(sum(1 for v in found if v <= b))) for b in bounds]
        buckets.append(("+Inf", float(len(found))))
        family.add_metric(values, buckets, gsum_value=sum(found))
    return family


def scrape(ops: OpsService) -> bytes:
    """The metrics in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(ops))
    return generate_latest(registry)
