"""Read and validate a mentorsim results file (HDF5, schema version 1: docs/hdf5-schema.md).

`load(path)` checks the layout at once (cheap: shapes and names, no bulk data) and returns a
`Results` whose frames are read on first use and cached. Integer codes are decoded with /codes.
Every problem the user can cause raises `AnalysisError` with a one-line message.
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

import h5py
import numpy as np
import pandas as pd

SCHEMA_VERSION = 1

REQUIRED_META = ("mentorsim_version", "scenario_toml", "resolved_json", "seed", "replicates")
REQUIRED_CODES = ("institution", "profession", "stage", "domain", "dyad_type", "formation",
                  "end_reason", "arm")
GROUP_FIELDS = ("arm", "institution", "profession", "stage", "minority")
DYAD_REQUIRED = ("replicate", "mentor", "mentee", "arm", "type", "formation", "start", "end",
                 "end_reason")
NETWORK_FIELDS = ("src", "dst", "weight")
OUTCOME_BREAKDOWNS = {"minority": ("by_minority", 2), "isolation": ("by_isolation", 4)}

# Per-agent fields holding a code and the /codes table that names it.
AGENT_CODE_FIELDS = {"institution": "institution", "profession": "profession", "stage": "stage",
                     "arm": "arm", "unit": "unit", "joint_institution": "institution"}
DYAD_CODE_FIELDS = {"arm": "arm", "type": "dyad_type", "formation": "formation",
                    "end_reason": "end_reason"}

SECTIONS = ("timeseries", "agents", "network", "dyads", "outcomes", "design", "runs")


class AnalysisError(Exception):
    """A problem with the input that the user can fix; the command line prints it on one line."""


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _scalar(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def check_names(requested: Iterable[str] | None, available: Sequence[str], what: str,
                missing_reason: str = "") -> list[str]:
    """Return `requested` (or all of `available` if None) after checking every name exists."""
    if requested is None:
        return list(available)
    requested = list(requested)
    if not available and requested:
        reason = f" ({missing_reason})" if missing_reason else ""
        raise AnalysisError(f"no {what}s in this file{reason}; cannot use {', '.join(requested)}")
    unknown = [name for name in requested if name not in available]
    if unknown:
        raise AnalysisError(f"unknown {what} {', '.join(repr(u) for u in unknown)}; "
                            f"available: {', '.join(available)}")
    return requested


def _categorical(values: np.ndarray, names: Sequence[str], where: str, table: str,
                 allow_none: bool = False) -> pd.Categorical:
    values = np.asarray(values).astype(np.int64)
    low = -1 if allow_none else 0
    bad = (values < low) | (values >= len(names))
    if bad.any():
        raise AnalysisError(f"{where} holds code {values[bad][0]} outside /codes/{table} "
                            f"({len(names)} names)")
    return pd.Categorical.from_codes(values, categories=list(names))


class _Layout:
    """What the file holds, found by validation."""

    def __init__(self) -> None:
        self.timeseries_metrics: list[str] = []
        self.timeseries_shape: tuple[int, int, int] | None = None
        self.agent_paths: list[tuple[int, str]] = []
        self.agent_fields: list[str] = []
        self.network_paths: list[tuple[int, str]] = []
        self.dyad_fields: list[str] = []
        self.outcome_metrics: list[str] = []
        self.outcome_breakdowns: dict[str, list[str]] = {}
        self.present: set[str] = set()


def _require(f: h5py.File, name: str, kind=h5py.Dataset) -> None:
    obj = f.get(name)
    if obj is None or not isinstance(obj, kind):
        what = "dataset" if kind is h5py.Dataset else "group"
        raise AnalysisError(f"missing {what} /{name}")


def _datasets(group: h5py.Group) -> list[str]:
    return [name for name, obj in group.items() if isinstance(obj, h5py.Dataset)]


def _validate(f: h5py.File) -> _Layout:
    if "schema_version" not in f.attrs:
        raise AnalysisError("not a mentorsim results file (no root attribute schema_version)")
    version = _scalar(f.attrs["schema_version"])
    if version != SCHEMA_VERSION:
        raise AnalysisError(f"schema_version {version} is not supported; mentorsim_analysis reads "
                            f"schema version {SCHEMA_VERSION}")
    _require(f, "meta", h5py.Group)
    for name in REQUIRED_META:
        if name not in f["meta"].attrs:
            raise AnalysisError(f"missing attribute /meta {name}")
    _require(f, "codes", h5py.Group)
    for name in REQUIRED_CODES:
        _require(f, f"codes/{name}")

    layout = _Layout()
    n_arms = len(f["codes/arm"])
    if "timeseries" in f:
        _require(f, "timeseries", h5py.Group)
        _require(f, "timeseries/step")
        _require(f, "timeseries/n")
        _require(f, "groups")
        groups = f["groups"]
        if groups.dtype.names is None:
            raise AnalysisError("/groups is not a compound dataset")
        for field in GROUP_FIELDS:
            if field not in groups.dtype.names:
                raise AnalysisError(f"missing field {field} in /groups")
        n_obs, n_groups = len(f["timeseries/step"]), len(groups)
        n_reps = f["timeseries/n"].shape[0] if f["timeseries/n"].ndim == 3 else -1
        for name in _datasets(f["timeseries"]):
            if name == "step":
                continue
            shape = f[f"timeseries/{name}"].shape
            if len(shape) != 3 or shape[1:] != (n_obs, n_groups) or shape[0] != n_reps:
                raise AnalysisError(f"/timeseries/{name} has shape {list(shape)}; expected "
                                    f"[replicates, {n_obs} observations, {n_groups} groups]")
            layout.timeseries_metrics.append(name)
        layout.timeseries_shape = (n_reps, n_obs, n_groups)
        layout.present.add("timeseries")

    agent_paths = [(0, "agents/final")]
    network_paths = [(0, "network/final")]
    if isinstance(f.get("replicates"), h5py.Group):
        for key in sorted(f["replicates"], key=lambda k: int(k) if k.isdigit() else -1):
            if key.isdigit():
                agent_paths.append((int(key), f"replicates/{key}/agents/final"))
                network_paths.append((int(key), f"replicates/{key}/network/final"))
    for replicate, path in agent_paths:
        if not isinstance(f.get(path), h5py.Group):
            continue
        fields = _datasets(f[path])
        lengths = {f[f"{path}/{name}"].shape[0] for name in fields if f[f"{path}/{name}"].ndim >= 1}
        if len(lengths) > 1:
            raise AnalysisError(f"/{path} datasets have different lengths {sorted(lengths)}")
        layout.agent_paths.append((replicate, path))
        layout.agent_fields = fields if not layout.agent_fields else layout.agent_fields
    if layout.agent_paths:
        layout.present.add("agents")
    for replicate, path in network_paths:
        if not isinstance(f.get(path), h5py.Group):
            continue
        for name in NETWORK_FIELDS:
            _require(f, f"{path}/{name}")
        if len({f[f"{path}/{name}"].shape for name in NETWORK_FIELDS}) != 1:
            raise AnalysisError(f"/{path}/src, dst and weight have different shapes")
        layout.network_paths.append((replicate, path))
    if layout.network_paths:
        layout.present.add("network")

    if "dyads" in f:
        _require(f, "dyads", h5py.Group)
        for name in DYAD_REQUIRED:
            _require(f, f"dyads/{name}")
        layout.dyad_fields = _datasets(f["dyads"])
        if len({f[f"dyads/{name}"].shape for name in layout.dyad_fields}) != 1:
            raise AnalysisError("/dyads datasets have different shapes")
        layout.present.add("dyads")

    if "outcomes" in f:
        _require(f, "outcomes", h5py.Group)
        n_reps = None
        for name in _datasets(f["outcomes"]):
            shape = f[f"outcomes/{name}"].shape
            if len(shape) != 2 or shape[1] != n_arms or (n_reps is not None and shape[0] != n_reps):
                raise AnalysisError(f"/outcomes/{name} has shape {list(shape)}; expected "
                                    f"[replicates, {n_arms} arms]")
            n_reps = shape[0]
            layout.outcome_metrics.append(name)
        for by, (sub, levels) in OUTCOME_BREAKDOWNS.items():
            if isinstance(f["outcomes"].get(sub), h5py.Group):
                names = _datasets(f[f"outcomes/{sub}"])
                for name in names:
                    shape = f[f"outcomes/{sub}/{name}"].shape
                    if len(shape) != 3 or shape[1:] != (n_arms, levels):
                        raise AnalysisError(f"/outcomes/{sub}/{name} has shape {list(shape)}; "
                                            f"expected [replicates, {n_arms} arms, {levels}]")
                layout.outcome_breakdowns[by] = names
        layout.present.add("outcomes")

    for section in ("design", "runs"):
        if isinstance(f.get(section), h5py.Group):
            layout.present.add(section)
    return layout


def load(path: str | Path) -> "Results":
    """Open a mentorsim results file, check it against schema version 1 and return `Results`."""
    path = Path(path)
    if not path.exists():
        raise AnalysisError(f"{path}: no such file")
    if path.is_dir():
        raise AnalysisError(f"{path}: is a directory, not a results file")
    if not h5py.is_hdf5(path):
        raise AnalysisError(f"{path}: not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            layout = _validate(f)
            meta = {key: _scalar(value) for key, value in f["meta"].attrs.items()}
            codes = {}
            for name, obj in f["codes"].items():
                if isinstance(obj, h5py.Dataset):
                    is_text = h5py.check_string_dtype(obj.dtype) is not None
                    codes[name] = list(obj.asstr()[()]) if is_text else obj[()]
    except AnalysisError as error:
        raise AnalysisError(f"{path}: {error}") from None
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read HDF5 file ({error})") from None
    for key in ("scenario_toml", "resolved_json", "scenario_path", "overrides", "git_commit",
                "mentorsim_version", "stage_seconds", "dependencies", "hostname", "created_utc"):
        if key in meta:
            meta[key] = _text(meta[key])
    try:
        meta["resolved"] = json.loads(meta["resolved_json"])
    except json.JSONDecodeError as error:
        raise AnalysisError(f"{path}: /meta resolved_json is not valid JSON ({error.msg})") from None
    meta["schema_version"] = SCHEMA_VERSION
    meta["path"] = str(path)
    for name in REQUIRED_CODES:
        names = codes[name]
        if len(set(names)) != len(names):
            raise AnalysisError(f"{path}: /codes/{name} repeats a name: {', '.join(names)}")
    return Results(path, meta, codes, layout)


class Results:
    """One results file: provenance (`meta`), code tables (`codes`) and tidy frames, read lazily.

    Frames: `timeseries` (long: replicate, step, arm, institution, profession, stage, minority,
    group, metric, value), `groups`, `agents`, `network`, `dyads`, `outcomes` (long: replicate,
    arm, metric, by, level, value) and, for sweeps, `design` and `runs`. A frame for a part the
    file lacks is None; `has(section)` and `missing_reason(section)` say why.
    """

    def __init__(self, path: Path, meta: dict, codes: dict, layout: _Layout) -> None:
        self.path = Path(path)
        self.meta = meta
        self.codes = codes
        self._layout = layout

    # -- what is there ------------------------------------------------------------------------
    def __repr__(self) -> str:
        parts = ", ".join(s for s in SECTIONS if self.has(s))
        return f"<mentorsim Results {self.path.name}: arms {self.arms}, sections {parts}>"

    @property
    def arms(self) -> list[str]:
        return list(self.codes["arm"])

    @property
    def domains(self) -> list[str]:
        return list(self.codes["domain"])

    @property
    def replicates(self) -> int:
        return int(self.meta["replicates"])

    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    @property
    def label(self) -> str:
        return self.path.stem

    @property
    def provenance(self) -> dict:
        keys = ("mentorsim_version", "git_commit", "seed", "replicates", "schema_version", "path")
        return {key: self.meta.get(key) for key in keys}

    def has(self, section: str) -> bool:
        return section in self._layout.present

    def missing_reason(self, section: str) -> str:
        """Why a section is absent, for the report (empty if present)."""
        if self.has(section):
            return ""
        reasons = {
            "timeseries": "this file has no /timeseries",
            "agents": "this file has no /agents/final (see output.agent_fields)",
            "network": "this file has no /network/final (output.network = false?)",
            "dyads": "this file has no /dyads (e.g. a run without a mentoring program)",
            "outcomes": "this file has no /outcomes (e.g. a run without a mentoring program)",
            "design": "this file is not a sweep (no /design)",
            "runs": "this file is not a sweep (no /runs)",
        }
        return reasons.get(section, f"this file has no /{section}")

    @property
    def timeseries_metrics(self) -> list[str]:
        return list(self._layout.timeseries_metrics)

    @property
    def outcome_metrics(self) -> list[str]:
        return list(self._layout.outcome_metrics)

    @property
    def agent_fields(self) -> list[str]:
        return list(self._layout.agent_fields)

    @property
    def dyad_fields(self) -> list[str]:
        return list(self._layout.dyad_fields)

    def check_series(self, names: Iterable[str] | None) -> list[str]:
        return check_names(names, self.timeseries_metrics, "timeseries metric",
                           self.missing_reason("timeseries"))

    def check_outcomes(self, names: Iterable[str] | None) -> list[str]:
        return check_names(names, self.outcome_metrics, "outcome", self.missing_reason("outcomes"))

    # -- reading ------------------------------------------------------------------------------
    def _open(self) -> h5py.File:
        try:
            return h5py.File(self.path, "r")
        except OSError as error:
            raise AnalysisError(f"{self.path}: cannot read HDF5 file ({error})") from None

    def _attach(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.attrs["provenance"] = self.provenance
        return frame

    @cached_property
    def steps(self) -> np.ndarray | None:
        if not self.has("timeseries"):
            return None
        with self._open() as f:
            return f["timeseries/step"][()].astype(np.int64)

    @cached_property
    def groups(self) -> pd.DataFrame | None:
        """One row per group column of /timeseries, codes decoded; `group` is the column index."""
        if not self.has("timeseries"):
            return None
        with self._open() as f:
            table = f["groups"][()]
        frame = pd.DataFrame({"group": np.arange(len(table))})
        for field in GROUP_FIELDS:
            if field == "minority":
                frame[field] = table[field].astype(np.int8)
            else:
                frame[field] = _categorical(table[field], self.codes[field], f"/groups {field}",
                                            field)
        return self._attach(frame)

    def timeseries_frame(self, metrics: Iterable[str] | None = None) -> pd.DataFrame | None:
        """Tidy /timeseries for the given metrics (default all): one row per
        replicate x observation x group x metric."""
        if not self.has("timeseries"):
            return None
        names = self.check_series(metrics)
        reps, n_obs, n_groups = self._layout.timeseries_shape
        group_rows = np.tile(np.arange(n_groups), reps * n_obs)
        keys = self.groups.drop(columns="group").iloc[group_rows].reset_index(drop=True)
        keys.insert(0, "step", np.tile(np.repeat(self.steps, n_groups), reps))
        keys.insert(0, "replicate", np.repeat(np.arange(reps), n_obs * n_groups))
        keys["group"] = group_rows
        parts = []
        with self._open() as f:
            for name in names:
                part = keys.copy()
                part["metric"] = name
                part["value"] = f[f"timeseries/{name}"][()].astype(np.float64).reshape(-1)
                parts.append(part)
        frame = pd.concat(parts, ignore_index=True) if parts else keys.assign(metric=[], value=[])
        frame["metric"] = pd.Categorical(frame["metric"], categories=names)
        return self._attach(frame)

    @cached_property
    def timeseries(self) -> pd.DataFrame | None:
        return self.timeseries_frame()

    def _read_agents(self, f: h5py.File, replicate: int, path: str) -> pd.DataFrame:
        group = f[path]
        columns: dict[str, object] = {}
        length = None
        for name in _datasets(group):
            data = group[name][()]
            length = data.shape[0]
            if name in ("skills", "skills_initial"):
                if data.ndim != 2 or data.shape[1] != len(self.domains):
                    raise AnalysisError(f"/{path}/{name} has shape {list(data.shape)}; expected "
                                        f"[agents, {len(self.domains)} domains]")
                prefix = "skill_" if name == "skills" else "skill_initial_"
                for j, domain in enumerate(self.domains):
                    columns[prefix + domain] = data[:, j].astype(np.float64)
            elif name in AGENT_CODE_FIELDS and AGENT_CODE_FIELDS[name] in self.codes:
                table = AGENT_CODE_FIELDS[name]
                columns[name] = _categorical(data, self.codes[table], f"/{path}/{name}", table,
                                             allow_none=(name == "joint_institution"))
            elif data.ndim == 1:
                columns[name] = data
        frame = pd.DataFrame(columns)
        if "id" not in frame:
            frame.insert(0, "id", np.arange(length or 0, dtype=np.uint32))
        frame.insert(0, "replicate", replicate)
        return frame

    @cached_property
    def agents(self) -> pd.DataFrame | None:
        """/agents/final of every replicate the file holds (usually replicate 0 only); skills as
        columns skill_<domain> and skill_initial_<domain>; codes decoded."""
        if not self.has("agents"):
            return None
        with self._open() as f:
            parts = [self._read_agents(f, r, p) for r, p in self._layout.agent_paths]
        return self._attach(pd.concat(parts, ignore_index=True))

    @cached_property
    def network(self) -> pd.DataFrame | None:
        """Collegial ties at the end: replicate, src, dst, weight (each tie once)."""
        if not self.has("network"):
            return None
        parts = []
        with self._open() as f:
            for replicate, path in self._layout.network_paths:
                parts.append(pd.DataFrame({
                    "replicate": replicate,
                    "src": f[f"{path}/src"][()].astype(np.int64),
                    "dst": f[f"{path}/dst"][()].astype(np.int64),
                    "weight": f[f"{path}/weight"][()].astype(np.float64)}))
        return self._attach(pd.concat(parts, ignore_index=True))

    @cached_property
    def network_attrs(self) -> dict:
        if not self.has("network"):
            return {}
        with self._open() as f:
            path = self._layout.network_paths[0][1]
            return {key: _scalar(value) for key, value in f[path].attrs.items()}

    @cached_property
    def dyads(self) -> pd.DataFrame | None:
        """Every mentoring link of every replicate; `dyad` is the row index in /dyads."""
        if not self.has("dyads"):
            return None
        columns: dict[str, object] = {}
        with self._open() as f:
            for name in self._layout.dyad_fields:
                data = f[f"dyads/{name}"][()]
                if name in DYAD_CODE_FIELDS:
                    table = DYAD_CODE_FIELDS[name]
                    columns[name] = _categorical(data, self.codes[table], f"/dyads/{name}", table)
                else:
                    columns[name] = data
        frame = pd.DataFrame(columns)
        frame.insert(0, "dyad", np.arange(len(frame), dtype=np.int64))
        return self._attach(frame)

    @cached_property
    def outcomes(self) -> pd.DataFrame | None:
        """Long /outcomes: replicate, arm, metric, by ('all', 'minority', 'isolation'), level
        (<NA> for 'all'; minority 0/1; isolation quartile 1 = most isolated .. 4), value."""
        if not self.has("outcomes"):
            return None
        parts = []
        arms = self.arms
        with self._open() as f:
            for name in self._layout.outcome_metrics:
                data = f[f"outcomes/{name}"][()].astype(np.float64)
                reps = data.shape[0]
                parts.append(pd.DataFrame({
                    "replicate": np.repeat(np.arange(reps), len(arms)),
                    "arm": np.tile(np.arange(len(arms)), reps),
                    "metric": name, "by": "all", "level": pd.NA, "value": data.reshape(-1)}))
            for by, names in self._layout.outcome_breakdowns.items():
                sub, levels = OUTCOME_BREAKDOWNS[by]
                first = 0 if by == "minority" else 1
                for name in names:
                    data = f[f"outcomes/{sub}/{name}"][()].astype(np.float64)
                    reps = data.shape[0]
                    parts.append(pd.DataFrame({
                        "replicate": np.repeat(np.arange(reps), len(arms) * levels),
                        "arm": np.tile(np.repeat(np.arange(len(arms)), levels), reps),
                        "metric": name, "by": by,
                        "level": np.tile(np.arange(first, first + levels), reps * len(arms)),
                        "value": data.reshape(-1)}))
        if not parts:
            frame = pd.DataFrame({"replicate": [], "arm": [], "metric": [], "by": [], "level": [],
                                  "value": []})
        else:
            frame = pd.concat(parts, ignore_index=True)
        frame["arm"] = pd.Categorical.from_codes(frame["arm"].astype(np.int64), categories=arms)
        frame["level"] = frame["level"].astype("Int64")
        frame["value"] = frame["value"].astype(np.float64)
        return self._attach(frame)

    def _read_table(self, section: str) -> pd.DataFrame | None:
        """A sweep table (/design or /runs): its 1-D datasets of equal length as columns."""
        if not self.has(section):
            return None
        columns = {}
        with self._open() as f:
            for name in _datasets(f[section]):
                data = f[f"{section}/{name}"]
                if data.ndim == 1:
                    is_text = h5py.check_string_dtype(data.dtype) is not None
                    columns[name] = data.asstr()[()] if is_text else data[()]
        if len({len(v) for v in columns.values()}) > 1:
            raise AnalysisError(f"{self.path}: /{section} datasets have different lengths")
        frame = pd.DataFrame(columns)
        frame.insert(0, "run", np.arange(len(frame)))
        return self._attach(frame)

    @cached_property
    def design(self) -> pd.DataFrame | None:
        """Sweep design, one row per run (`/design/<parameter>` [run]); None if not a sweep."""
        return self._read_table("design")

    @cached_property
    def runs(self) -> pd.DataFrame | None:
        """Per-run outcomes of a sweep (`/runs/<field>` [run]); None if not a sweep."""
        return self._read_table("runs")
