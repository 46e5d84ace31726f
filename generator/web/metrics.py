"""Operational figures at /metrics in the Prometheus text format."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select


class _JobGauge:
    """Jobs by state, read from the database at each scrape (so they are right after a restart)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def collect(self):
        from generator.web.db import Job

        family = GaugeMetricFamily("juesuan_jobs", "Generation jobs by state", labels=["state"])
        with self.sessions() as db:
            got = dict(db.execute(select(Job.state, func.count()).group_by(Job.state)).all())
        for state in ("pending", "running", "done", "failed"):
            family.add_metric([state], got.get(state, 0))
        yield family


class Metrics:
    def __init__(self, sessions):
        self.registry = CollectorRegistry()
        self.uploads = Counter("juesuan_uploads", "Workbooks uploaded", ["kind"], registry=self.registry)
        self.checks = Counter("juesuan_checks", "Workbooks checked", ["outcome"], registry=self.registry)
        self.generations = Counter("juesuan_generations", "Generations finished", ["outcome"],
                                   registry=self.registry)
        self.generation_seconds = Histogram(
            "juesuan_generation_seconds", "Time to check and render one unit",
            buckets=(0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120), registry=self.registry)
        self.signins = Counter("juesuan_signins", "Sign-in attempts", ["outcome"], registry=self.registry)
        self.downloads = Counter("juesuan_downloads", "Files downloaded", ["kind"], registry=self.registry)
        self.queue_full = Counter("juesuan_queue_full", "Requests refused because the queue was full",
                                  registry=self.registry)
        self.registry.register(_JobGauge(sessions))

    def job_finished(self, outcome: str, seconds: float) -> None:
        self.generations.labels(outcome).inc()
        self.generation_seconds.observe(seconds)
