"""Beam pipelines on a dask.distributed cluster: `curate run --runner dask` (issue 24).

Beam ships a Dask runner (`apache_beam.runners.dask.dask_runner.DaskRunner`), but on this
pipeline's graph it loses work. With apache-beam 2.77.0 and dask/distributed 2026.8.0 (the first
two are run in tests/test_dask_runner.py; the others read from its transform_evaluator.py and
dask_runner.py):
- the outputs of a multi-output ParDo share one bag (bags are keyed by the producing transform),
  so a `dropped` output receives every kept document too;
- only the last transform visited is computed, so every other sink (dead letters, dropped
  samples, the mix report) never runs;
- a bundle's outputs are read before `finish_bundle` runs, so what a DoFn emits there is lost
  (`BatchElements`' last batch: RunInference's last documents);
- a side input is a bag nested inside each task's arguments, so every task that reads it
  recomputes the side input's whole upstream graph, its writes and counters included;
- `metrics()` raises NotImplementedError, and with it `stats.json` and the accounting check.

`CurationDaskRunner` translates the same graph itself, keyed by PCollection, from the primitives
the Python SDK expands every transform into (Impulse, ParDo, GroupByKey, Flatten), plus
Reshuffle, and Beam's own `LiftedCombinePerKey` for CombinePerKey (the DirectRunner's override:
partial combine per bundle, shuffle the accumulators):

    Impulse     one partition holding b""
    ParDo       one task per partition runs a bundle through Beam's DoFnRunner (side inputs,
                tagged outputs, start/finish_bundle as on any runner); the task returns every
                output tag's list and the bundle's metrics, and each output PCollection picks
                its own tag. Side inputs are whole-list task dependencies, computed once.
    GroupByKey  dask's task-based shuffle on a seeded blake2b hash of the key (never Python's
                `hash()`, which differs between worker processes), then grouped by equality
    Flatten     concatenation of the input bags
    Reshuffle   round-robin over `partitions` pieces (spreads the input files over workers)

Every DoFn is unpickled and `setup()` once per worker thread and run, and reused by every bundle
of the run there (models load once, the extractor's child process starts once), as Beam allows.

Counters are Beam metrics: each bundle runs inside a Beam MetricsContainer, as the DirectRunner
does, and the task returns its container's cumulative values with its output. A task Dask retries
(a worker killed mid-run, its results lost) runs again from its inputs and only the result Dask
keeps is counted, so the run's metrics count each bundle exactly once and are the committed
metrics `pipelines/stats.py` reads. Every write in this pipeline is a whole-file write under a
deterministic name (pipelines/write.py), or a fresh name whose rows the retried task's own
output then names (pipelines/mix_staging.py), so a retried task rewrites or strands a file but
never duplicates a document.

Only the global window is supported (the pipeline uses no other); a graph with another window
function or a primitive not listed here fails at submission with `UnsupportedOnDaskError`, never with
a silently wrong result.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import operator
import threading
import uuid
from collections.abc import Iterable
from typing import Any

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.internal import pickler
from apache_beam.metrics.cells import DistributionData, DistributionResult
from apache_beam.metrics.execution import MetricKey, MetricResult, MetricsContainer
from apache_beam.metrics.metric import MetricResults, MetricsFilter
from apache_beam.metrics.metricbase import MetricName
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor, PTransformOverride
from apache_beam.runners.common import DoFnRunner, Receiver
from apache_beam.runners.dask.dask_runner import DaskOptions
from apache_beam.runners.runner import PipelineResult, PipelineRunner, PipelineState
from apache_beam.runners.worker import statesampler
from apache_beam.transforms import core
from apache_beam.transforms.sideinputs import SideInputMap
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.counters import CounterFactory
from apache_beam.utils.windowed_value import WindowedValue

RUNNER = "pipelines.dask_runner.CurationDaskRunner"
_COUNTER, _DISTRIBUTION = "c", "d"
_HASH_KEY = b"curation-dask-gbk"

Metrics = dict[tuple[str, str, str, str], Any]


class UnsupportedOnDaskError(NotImplementedError):
    """The graph holds a transform or windowing this runner does not translate."""


class CurationDaskOptions(PipelineOptions):
    """Flags of the local cluster the runner starts when no `--dask_client_address` is given
    (Beam's DaskOptions holds the address and `--dask_npartitions`)."""

    @classmethod
    def _add_argparse_args(cls, parser: Any) -> None:
        parser.add_argument("--dask_local_workers", type=int, default=2,
                            help="worker processes of the LocalCluster started without an address")
        parser.add_argument("--dask_threads_per_worker", type=int, default=1,
                            help="threads per worker process of that LocalCluster")


# ---------------------------------------------------------------- graph rewrites (submission side)

class _DaskReshuffle(beam.PTransform):
    """Reshuffle as a primitive: the runner spreads it round-robin over the partitions."""

    def expand(self, pcoll: beam.PCollection) -> beam.PCollection:
        return pvalue.PCollection.from_(pcoll)


class _ReshuffleOverride(PTransformOverride):
    def matches(self, applied_ptransform: AppliedPTransform) -> bool:
        return type(applied_ptransform.transform) is beam.Reshuffle

    def get_replacement_transform_for_applied_ptransform(
            self, applied_ptransform: AppliedPTransform) -> beam.PTransform:
        return _DaskReshuffle()


class _LiftCombinePerKey(PTransformOverride):
    """The DirectRunner's combiner lifting: a partial combine per bundle before the shuffle."""

    def matches(self, applied_ptransform: AppliedPTransform) -> bool:
        return (isinstance(applied_ptransform.transform, core.CombinePerKey)
                and applied_ptransform.inputs[0].windowing.is_default())

    def get_replacement_transform_for_applied_ptransform(
            self, applied_ptransform: AppliedPTransform) -> beam.PTransform:
        from apache_beam.transforms.combiners import LiftedCombinePerKey

        transform = applied_ptransform.transform
        try:
            return LiftedCombinePerKey(transform.fn, transform.args, transform.kwargs)
        except NotImplementedError:
            return transform


def key_hash(key: Any) -> int:
    """A 64-bit hash of a GroupByKey key that every worker process computes alike."""
    return int.from_bytes(hashlib.blake2b(_key_bytes(key), digest_size=8, key=_HASH_KEY).digest(),
                          "big")


def _key_bytes(key: Any) -> bytes:
    if isinstance(key, str):
        return b"s" + key.encode("utf-8", "surrogatepass")
    if isinstance(key, bytes):
        return b"b" + key
    if isinstance(key, bool) or key is None:
        return b"o" + repr(key).encode()
    if isinstance(key, int):
        return b"i" + str(key).encode()
    if isinstance(key, float):
        return b"f" + repr(key).encode()
    if isinstance(key, tuple):
        parts = [_key_bytes(item) for item in key]
        return b"t" + b"".join(len(part).to_bytes(4, "big") + part for part in parts)
    from dask.base import tokenize

    return b"k" + tokenize(key, ensure_deterministic=True).encode()


class _Translator(PipelineVisitor):
    """Beam leaf transforms, in application order, to dask bags per PCollection."""

    def __init__(self, partitions: int, run_id: str) -> None:
        import dask.bag as db

        self._db = db
        self.partitions = partitions
        self.run_id = run_id
        self.bags: dict[pvalue.PCollection, Any] = {}
        self.metric_bags: list[Any] = []

    def visit_transform(self, node: AppliedPTransform) -> None:
        transform = node.transform
        kind = type(transform)
        if kind is beam.ParDo:
            self._pardo(node)
            return
        output = self._only_output(node)
        if kind is core.Impulse:
            self.bags[output] = self._db.from_sequence([b""], npartitions=1)
        elif kind is core.Flatten:
            inputs = [self.bags[pcoll] for pcoll in node.inputs]
            self.bags[output] = (self._db.concat(inputs) if inputs
                                 else self._db.from_sequence([], npartitions=1))
        elif kind is core.GroupByKey:
            self._require_global_window(node)
            self.bags[output] = self._group(self.bags[node.inputs[0]])
        elif kind is _DaskReshuffle:
            self.bags[output] = self._spread(self.bags[node.inputs[0]])
        else:
            raise UnsupportedOnDaskError(f"{node.full_label}: {kind.__module__}.{kind.__name__} has no "
                                    "translation on the Dask runner")

    @staticmethod
    def _only_output(node: AppliedPTransform) -> pvalue.PCollection:
        outputs = list(node.outputs.values())
        if len(outputs) != 1:
            raise UnsupportedOnDaskError(f"{node.full_label}: expected one output, got {len(outputs)}")
        return outputs[0]

    @staticmethod
    def _require_global_window(node: AppliedPTransform) -> None:
        for pcoll in node.inputs:
            if not isinstance(pcoll.windowing.windowfn, GlobalWindows):
                raise UnsupportedOnDaskError(f"{node.full_label}: window function "
                                        f"{type(pcoll.windowing.windowfn).__name__}; only the "
                                        "global window runs on Dask")

    def _pardo(self, node: AppliedPTransform) -> None:
        from dask import delayed

        self._require_global_window(node)
        transform = node.transform
        main = next(iter(node.main_inputs.values()))
        tags = list(node.outputs)
        views = [(type(side), side._view_options()) for side in node.side_inputs]
        spec = pickler.dumps((transform.fn, transform.args, transform.kwargs, views, tags,
                              node.full_label))
        spec_key = f"{self.run_id}/{node.full_label}"
        sides = [delayed(_concat)(self.bags[side.pvalue].to_delayed(optimize_graph=False))
                 for side in node.side_inputs]
        bundles = self.bags[main].map_partitions(
            _run_bundle, spec, spec_key, *sides)
        for tag, pcoll in node.outputs.items():
            self.bags[pcoll] = bundles.map_partitions(_pick, tag)
        self.metric_bags.append(bundles.map_partitions(_bundle_metrics))

    def _group(self, bag: Any) -> Any:
        if bag.npartitions > self.partitions:
            bag = bag.repartition(npartitions=self.partitions)
        return (bag.map(_hashed).groupby(operator.itemgetter(0), shuffle="tasks")
                .map_partitions(_regroup))

    def _spread(self, bag: Any) -> Any:
        from dask import delayed

        pieces = self.partitions
        dealt = [delayed(_deal, nout=pieces)(part, offset, pieces)
                 for offset, part in enumerate(bag.to_delayed(optimize_graph=False))]
        return self._db.from_delayed([delayed(_concat)([deal[i] for deal in dealt])
                                      for i in range(pieces)])

    def metrics_total(self) -> Any:
        """One dask Item: every bundle's metrics merged (computing it runs every ParDo)."""
        if not self.metric_bags:
            return self._db.from_sequence([{}], npartitions=1).reduction(_merge_all, _merge_all)
        return self._db.concat(self.metric_bags).reduction(_merge_all, _merge_all)


# ------------------------------------------------------------------------ tasks (worker side)

def _concat(parts: Iterable[Iterable[Any]]) -> list[Any]:
    return [value for part in parts for value in part]


def _deal(part: Iterable[Any], offset: int, pieces: int) -> tuple[list[Any], ...]:
    dealt: tuple[list[Any], ...] = tuple([] for _ in range(pieces))
    for index, value in enumerate(part):
        dealt[(offset + index) % pieces].append(value)
    return dealt


def _hashed(item: tuple[Any, Any]) -> tuple[int, Any, Any]:
    key, value = item
    return key_hash(key), key, value


def _regroup(part: Iterable[tuple[int, list[tuple[int, Any, Any]]]]) -> list[tuple[Any, list]]:
    """Hash groups to key groups: a hash collision never merges two keys. (A list: a partition
    must be picklable, to travel between workers.)"""
    grouped: list[tuple[Any, list]] = []
    for _, items in part:
        groups: dict[Any, list[Any]] = {}
        for _, key, value in items:
            groups.setdefault(key, []).append(value)
        grouped.extend(groups.items())
    return grouped


class _Bundle:
    """A ParDo task's result: each output tag's values and the bundle's metrics."""

    def __init__(self, outputs: dict[Any, list[Any]], metrics: Metrics) -> None:
        self.outputs = outputs
        self.metrics = metrics


def _pick(part: list[_Bundle], tag: Any) -> list[Any]:
    return part[0].outputs[tag]


def _bundle_metrics(part: list[_Bundle]) -> list[Metrics]:
    return [part[0].metrics]


class _ListReceiver(Receiver):
    def __init__(self) -> None:
        self.values: list[Any] = []

    def receive(self, windowed_value: WindowedValue) -> None:
        self.values.append(windowed_value.value)


class _WorkerState(threading.local):
    def __init__(self) -> None:
        self.run_id = ""
        self.specs: dict[str, tuple] = {}
        self.fns: dict[str, Any] = {}


_STATE = _WorkerState()
_ALL_FNS: list[Any] = []  # every set-up DoFn of this process, torn down when it exits
_ALL_LOCK = threading.Lock()
_GLOBAL_WINDOWING = core.Windowing(GlobalWindows())


def _teardown_all() -> None:
    """Tears down every DoFn this process set up (at exit, and when a run finishes)."""
    with _ALL_LOCK:
        fns, _ALL_FNS[:] = list(_ALL_FNS), []
    for fn in fns:
        with contextlib.suppress(Exception):  # best effort: the process is ending
            fn.teardown()


atexit.register(_teardown_all)


def _set_up_fn(spec_key: str, spec_bytes: bytes) -> tuple[Any, tuple]:
    """This thread's set-up DoFn and spec for `spec_key`, made on first use in this run."""
    run_id = spec_key.split("/", 1)[0]
    if _STATE.run_id != run_id:
        for fn in _STATE.fns.values():
            with _ALL_LOCK:
                live = fn in _ALL_FNS
                if live:
                    _ALL_FNS.remove(fn)
            if live:
                fn.teardown()
        _STATE.run_id, _STATE.specs, _STATE.fns = run_id, {}, {}
    fn = _STATE.fns.get(spec_key)
    if fn is None:
        spec = pickler.loads(spec_bytes)
        fn = spec[0]
        fn.setup()
        _STATE.specs[spec_key], _STATE.fns[spec_key] = spec, fn
        with _ALL_LOCK:
            _ALL_FNS.append(fn)
    return fn, _STATE.specs[spec_key]


def _run_bundle(elements: Iterable[Any], spec_bytes: bytes, spec_key: str,
                *side_values: list[Any]) -> list[_Bundle]:
    """Runs one partition as one bundle of the ParDo `spec_key`, inside a metrics container."""
    fn, (_, args, kwargs, views, tags, label) = _set_up_fn(spec_key, spec_bytes)
    receivers = {tag: _ListReceiver() for tag in tags}
    side_inputs = [SideInputMap(view, options, [GlobalWindows.windowed_value(v) for v in values])
                   for (view, options), values in zip(views, side_values, strict=True)]
    container = MetricsContainer(label)
    sampler = statesampler.StateSampler(label, CounterFactory())
    previous = statesampler.get_current_tracker()
    statesampler.set_current_tracker(sampler)
    try:
        with sampler.scoped_state(label, "process", metrics_container=container):
            runner = DoFnRunner(fn, args, kwargs, side_inputs, _GLOBAL_WINDOWING,
                                tagged_receivers=receivers, step_name=label)
            runner.start()
            for element in elements:
                runner.process(GlobalWindows.windowed_value(element))
            runner.finish()
    finally:
        statesampler.set_current_tracker(previous)
    return [_Bundle({tag: receiver.values for tag, receiver in receivers.items()},
                    _container_metrics(container))]


def _container_metrics(container: MetricsContainer) -> Metrics:
    updates = container.get_cumulative()
    metrics: Metrics = {}
    for key, value in updates.counters.items():
        metrics[(_COUNTER, key.step, key.metric.namespace, key.metric.name)] = int(value)
    for key, data in updates.distributions.items():
        metrics[(_DISTRIBUTION, key.step, key.metric.namespace, key.metric.name)] = (
            data.sum, data.count, data.min, data.max)
    return metrics


def _merge_all(many: Iterable[Metrics]) -> Metrics:
    total: Metrics = {}
    for metrics in many:
        for key, value in metrics.items():
            old = total.get(key)
            if old is None:
                total[key] = value
            elif key[0] == _COUNTER:
                total[key] = old + value
            elif not old[1]:
                total[key] = value
            elif value[1]:
                total[key] = (old[0] + value[0], old[1] + value[1], min(old[2], value[2]),
                              max(old[3], value[3]))
    return total


# ------------------------------------------------------------------------- runner and result

class DaskMetrics(MetricResults):
    """The finished run's metrics, committed once per bundle Dask kept."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def query(self, filter: MetricsFilter | None = None) -> dict[str, list[MetricResult]]:
        counters, distributions = [], []
        for (kind, step, namespace, name), value in sorted(self._metrics.items()):
            key = MetricKey(step, MetricName(namespace, name))
            if not self.matches(filter, key):
                continue
            if kind == _COUNTER:
                counters.append(MetricResult(key, value, value))
            else:
                result = DistributionResult(DistributionData(*value))
                distributions.append(MetricResult(key, result, result))
        return {self.COUNTERS: counters, self.DISTRIBUTIONS: distributions, self.GAUGES: [],
                self.STRINGSETS: [], self.BOUNDED_TRIES: [], self.HISTOGRAMS: []}


class DaskPipelineResult(PipelineResult):
    def __init__(self, client: Any, future: Any, cluster: Any | None) -> None:
        super().__init__(PipelineState.RUNNING)
        self._client = client
        self._future = future
        self._cluster = cluster
        self._metrics: Metrics | None = None

    def wait_until_finish(self, duration: int | None = None) -> str:
        if self._state != PipelineState.RUNNING:
            return self._state
        try:
            self._metrics = self._future.result(
                timeout=None if duration is None else duration / 1000)
            self._state = PipelineState.DONE
        except Exception:
            self._state = PipelineState.FAILED
            raise
        finally:
            self._close()
        return self._state

    def cancel(self) -> str:
        self._client.cancel([self._future])
        self._close()
        self._state = PipelineState.CANCELLED
        return self._state

    def metrics(self) -> DaskMetrics:
        if self._metrics is None:
            raise RuntimeError("the Dask run has not finished; call wait_until_finish() first")
        return DaskMetrics(self._metrics)

    def _close(self) -> None:
        # stop what the DoFns hold (the extractor's child process) before the workers exit; a
        # worker that is gone holds nothing
        with contextlib.suppress(Exception):
            self._client.run(_teardown_all)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


class CurationDaskRunner(PipelineRunner):
    """Runs a Beam pipeline on a dask.distributed cluster (see the module docstring)."""

    def run_pipeline(self, pipeline: beam.Pipeline, options: PipelineOptions) -> DaskPipelineResult:
        from distributed import Client, LocalCluster

        dask_options = options.view_as(DaskOptions)
        local = options.view_as(CurationDaskOptions)
        cluster = None
        connect: dict[str, Any] = ({"timeout": dask_options.timeout}
                                   if isinstance(dask_options.timeout, int) else {})
        if dask_options.address:
            connect["address"] = dask_options.address
        elif dask_options.scheduler_file:  # `dask scheduler --scheduler-file` (Slurm, MPI)
            connect["scheduler_file"] = dask_options.scheduler_file
        else:
            cluster = LocalCluster(n_workers=local.dask_local_workers, processes=True,
                                   threads_per_worker=local.dask_threads_per_worker,
                                   dashboard_address=":0")
            connect["address"] = cluster.scheduler_address
        client = Client(**connect)
        try:
            threads = sum(client.nthreads().values())
            partitions = dask_options.npartitions or max(2, 2 * threads)
            pipeline.replace_all([_LiftCombinePerKey(), _ReshuffleOverride()])
            translator = _Translator(partitions, uuid.uuid4().hex)
            pipeline.visit(translator)
            future = client.compute(translator.metrics_total())
        except BaseException:
            client.close()
            if cluster is not None:
                cluster.close()
            raise
        return DaskPipelineResult(client, future, cluster)


def dask_args(address: str | None, workers: int, threads_per_worker: int,
              partitions: int | None) -> list[str]:
    """PipelineOptions flags for a run on this runner."""
    args = [f"--runner={RUNNER}", f"--dask_local_workers={workers}",
            f"--dask_threads_per_worker={threads_per_worker}"]
    if address:
        args.append(f"--dask_client_address={address}")
    if partitions:
        args.append(f"--dask_npartitions={partitions}")
    return args

