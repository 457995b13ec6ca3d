"""Read and validate a mentorsim results file (HDF5, schema version 1: docs/hdf5-schema.md).

`load(path)` checks the layout at once (cheap: names, types and shapes, no bulk data) and returns
a `Results` whose frames are read on first use and cached. Integer codes are decoded with /codes.

Every problem with the file becomes `AnalysisError` with a one-line message naming the file and
the object: a missing or mistyped dataset, a value outside its range, and every error the HDF5
library raises while reading (a damaged file, a failed Fletcher-32 checksum). What the reader
requires and what is optional is listed in docs/analysis.md ("What the reader relies on").
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from functools import cached_property, wraps
from pathlib import Path
from typing import Iterable, Sequence

import h5py
import numpy as np
import pandas as pd

from . import supervise

SCHEMA_VERSION = 1

REQUIRED_META = ("mentorsim_version", "scenario_toml", "resolved_json", "seed", "replicates")
INTEGER_META = ("seed", "replicates")
TEXT_META = ("mentorsim_version", "scenario_toml", "resolved_json")
REQUIRED_CODES = ("institution", "profession", "stage", "domain", "dyad_type", "formation",
                  "end_reason", "arm")
GROUP_FIELDS = ("arm", "institution", "profession", "stage", "minority")
NETWORK_FIELDS = ("src", "dst", "weight")
OUTCOME_BREAKDOWNS = {"minority": ("by_minority", 2), "isolation": ("by_isolation", 4)}

# Datasets schema version 1 always writes in a section that is present: a file that has the
# section but lacks one of them is damaged (exit 2). `{domain}`, `{reason}` and `{formation}`
# expand over /codes/domain, /codes/end_reason and /codes/formation.
TIMESERIES_REQUIRED = ("step", "n", "n_initial", "retained", "leavers", "hires", "confidence",
                       "satisfaction", "intent_to_leave", "psych_safety", "degree", "strength",
                       "cross_institution_ties", "in_mentoring", "mentoring_as_mentor",
                       "mentoring_as_mentee", "meetings", "skill_{domain}")
OUTCOMES_REQUIRED = ("eligible_mentees", "enrolled_mentees", "coverage", "weeks_to_match", "dyads",
                     "meetings_per_dyad", "complementarity", "similarity", "failure_rate",
                     "end_{reason}", "quality_{formation}", "satisfaction_change",
                     "satisfaction_change_{formation}", "retention", "skill_gain_{domain}",
                     "strength_change", "cross_institution_change", "unmatched_infeasible",
                     "unmatched_no_capacity", "unmatched_not_approached", "unmatched_declined",
                     "optimality_gap")
BREAKDOWNS_REQUIRED = {"minority": ("coverage", "weeks_to_match", "retention", "satisfaction_change"),
                       "isolation": ("coverage", "weeks_to_match")}
DYAD_REQUIRED = ("replicate", "mentor", "mentee", "arm", "type", "formation", "group", "start", "end",
                 "end_reason", "quality", "quality_initial", "similarity", "complementarity",
                 "meetings")

# Per-agent fields holding a code and the /codes table that names it.
AGENT_CODE_FIELDS = {"institution": "institution", "profession": "profession", "stage": "stage",
                     "arm": "arm", "unit": "unit", "joint_institution": "institution"}
DYAD_CODE_FIELDS = {"arm": "arm", "type": "dyad_type", "formation": "formation",
                    "end_reason": "end_reason"}

# Optional parts (written only when the scenario's output options ask for them) and what the
# analysis leaves out without them.
OPTIONAL_SECTIONS = {
    "timeseries": "the time series, the final-week table and the subgroup effects",
    "outcomes": "the arm comparison, the paired differences, the equity contrasts and the "
                "unmatched mentees",
    "dyads": "why dyads ended and the mentoring links of the network picture",
    "agents": "the skill gain by role, the agent table, the network picture and diagnostics and "
              "the individual-level effect sizes",
    "network": "the network picture and the network diagnostics",
}
# /agents/final fields the analysis uses, and for what (missing ones are reported, not fatal).
AGENT_FIELDS_USED = {
    "arm": "every per-agent figure", "left": "active agents", "hired": "initial staff",
    "role": "skill gain by role", "skills": "skill gain", "skills_initial": "skill gain",
    "institution": "the network picture", "satisfaction": "individual-level effect sizes",
    "satisfaction_initial": "individual-level effect sizes", "degree_initial": "network diagnostics",
    "strength_initial": "the individual-level effect size of tie-strength change",
    "cross_institution_ties_initial": "the individual-level effect size of cross-institution tie change",
}

SECTIONS = ("timeseries", "agents", "network", "dyads", "outcomes", "design", "runs")


class AnalysisError(Exception):
    """A problem with the input that the user can fix; the command line prints it on one line
    and exits with 2."""


class OutputError(AnalysisError):
    """The output target cannot be used (exists and is not ours, is a file, a device, ...); the
    command line exits with 3, as mentorsim does for an output it refuses."""


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    if "Fletcher32" in text or "checksum" in text.lower():
        return f"checksum mismatch, the file is damaged ({text})"
    return text


_current_file = [""]


def _set_current(path) -> None:
    _current_file[0] = str(path)


@contextmanager
def reading(what: str):
    """Turn any error the HDF5 library (or decoding) raises inside the block into AnalysisError
    naming `what` (an object path such as /outcomes/coverage). Under `python -m
    mentorsim_analysis` the file and object are also noted for the supervising process, which
    names them if the library crashes."""
    supervise.note_reading(f"{_current_file[0]}: {what}")
    try:
        yield
    except AnalysisError:
        raise
    except Exception as error:  # h5py raises OSError, RuntimeError, KeyError, ValueError, ...
        raise AnalysisError(f"cannot read {what}: {_reason(error)}") from None


def _with_path(method):
    """Prefix the file's path to an AnalysisError raised by a reading method."""
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except AnalysisError as error:
            text = str(error)
            if text.startswith(f"{self.path}: "):
                raise
            raise type(error)(f"{self.path}: {text}") from None
    return wrapper


def _text(value, what: str) -> str:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise AnalysisError(f"{what} is not valid UTF-8 text") from None
    if not isinstance(value, str):
        raise AnalysisError(f"{what} is not text (got {type(value).__name__})")
    return value


def _scalar(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
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


def expand_names(templates: Sequence[str], codes: dict) -> list[str]:
    """Expand `{domain}`, `{reason}` and `{formation}` in dataset name templates."""
    tables = {"{domain}": codes["domain"], "{reason}": codes["end_reason"],
              "{formation}": codes["formation"]}
    names = []
    for template in templates:
        for key, values in tables.items():
            if key in template:
                names += [template.replace(key, str(v)) for v in values]
                break
        else:
            names.append(template)
    return names


class _Layout:
    """What the file holds, found by validation."""

    def __init__(self) -> None:
        self.timeseries_metrics: list[str] = []
        self.timeseries_shape: tuple[int, int, int] | None = None
        self.agent_paths: list[tuple[int, str]] = []
        self.agent_fields: list[str] = []
        self.network_paths: list[tuple[int, str]] = []
        self.snapshots: dict[str, dict[int, str]] = {"agents": {}, "network": {}}
        self.dyad_fields: list[str] = []
        self.outcome_metrics: list[str] = []
        self.outcome_breakdowns: dict[str, list[str]] = {}
        self.present: set[str] = set()
        self.warnings: list[str] = []


NUMERIC_KINDS = "biuf"


def _kind_name(dtype: np.dtype) -> str:
    if dtype.names:
        return "a compound record"
    if h5py.check_string_dtype(dtype) is not None or dtype.kind in "SUO":
        return "text"
    return {"b": "boolean", "i": "integer", "u": "integer", "f": "floating point",
            "c": "complex"}.get(dtype.kind, f"type {dtype}")


class _Checker:
    """Validation of one open file: each access names the object it touches."""

    def __init__(self, f: h5py.File) -> None:
        self.f = f

    def get(self, name: str):
        with reading(f"/{name}"):
            return self.f.get(name)

    def is_group(self, name: str) -> bool:
        return isinstance(self.get(name), h5py.Group)

    def require(self, name: str, kind=h5py.Dataset, why: str = ""):
        obj = self.get(name)
        if obj is None or not isinstance(obj, kind):
            what = "dataset" if kind is h5py.Dataset else "group"
            raise AnalysisError(f"missing {what} /{name}{why}")
        return obj

    def datasets(self, group: str) -> list[str]:
        with reading(f"/{group}"):
            return sorted(name for name, obj in self.f[group].items()
                          if isinstance(obj, h5py.Dataset))

    def shape(self, name: str) -> tuple[int, ...]:
        with reading(f"/{name}"):
            return tuple(self.f[name].shape)

    def dtype(self, name: str) -> np.dtype:
        with reading(f"/{name}"):
            return self.f[name].dtype

    def numeric(self, name: str, integer: bool = False) -> tuple[int, ...]:
        """Check that /name holds numbers (integers if asked); return its shape."""
        dtype = self.dtype(name)
        kinds = "biu" if integer else NUMERIC_KINDS
        if dtype.names or dtype.kind not in kinds:
            expected = "integers" if integer else "numbers"
            raise AnalysisError(f"/{name} holds {_kind_name(dtype)}; expected {expected}")
        return self.shape(name)

    def attrs(self, name: str) -> dict:
        with reading(f"/{name} attributes"):
            obj = self.f[name] if name else self.f
            return {key: obj.attrs[key] for key in obj.attrs.keys()}


def _validate(f: h5py.File) -> tuple[_Layout, dict, dict]:
    """Check the layout; return it with the /meta attributes and the /codes tables."""
    c = _Checker(f)
    root = c.attrs("")
    if "schema_version" not in root:
        raise AnalysisError("not a mentorsim results file (no root attribute schema_version)")
    version = _scalar(root["schema_version"])
    if isinstance(version, str) or not isinstance(version, int) or isinstance(version, bool):
        raise AnalysisError(f"root attribute schema_version is {version!r}, not an integer; mentorsim writes "
                            f"the integer {SCHEMA_VERSION} (was this file made or edited by another program?)")
    if version != SCHEMA_VERSION:
        raise AnalysisError(f"schema_version {version!r} is not supported; mentorsim_analysis "
                            f"reads schema version {SCHEMA_VERSION}")
    c.require("meta", h5py.Group)
    raw_meta = c.attrs("meta")
    for name in REQUIRED_META:
        if name not in raw_meta:
            raise AnalysisError(f"missing attribute /meta {name}")
    meta = {}
    for key, value in raw_meta.items():
        with reading(f"/meta attribute {key}"):
            if isinstance(value, (bytes, str)) or (isinstance(value, np.ndarray) and value.dtype.kind in "SOU"):
                meta[key] = _text(value, f"/meta attribute {key}")
            else:
                meta[key] = _scalar(value)
    for key in TEXT_META:
        if not isinstance(meta[key], str):
            raise AnalysisError(f"/meta attribute {key} is not text")
    for key in INTEGER_META:
        value = meta[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AnalysisError(f"/meta attribute {key} is {value!r}; expected a non-negative integer")

    c.require("codes", h5py.Group)
    codes = {}
    for name in c.datasets("codes"):
        dtype = c.dtype(f"codes/{name}")
        with reading(f"/codes/{name}"):
            if h5py.check_string_dtype(dtype) is not None:
                codes[name] = [str(v) for v in f[f"codes/{name}"].asstr()[()]]
            elif dtype.kind in NUMERIC_KINDS:
                codes[name] = f[f"codes/{name}"][()]
    for name, names in codes.items():
        if isinstance(names, list) and len(set(names)) != len(names):
            repeated = sorted({n for n in names if names.count(n) > 1})
            raise AnalysisError(f"/codes/{name} repeats a name: {', '.join(repeated[:5])}")
    for name in REQUIRED_CODES:
        c.require(f"codes/{name}")
        if name not in codes or not isinstance(codes[name], list):
            raise AnalysisError(f"/codes/{name} holds {_kind_name(c.dtype(f'codes/{name}'))}; "
                                "expected text (one name per code)")
        if len(c.shape(f"codes/{name}")) != 1:
            raise AnalysisError(f"/codes/{name} has shape {list(c.shape(f'codes/{name}'))}; expected "
                                "one name per code")
    if not codes["arm"]:
        raise AnalysisError("/codes/arm is empty")

    layout = _Layout()
    n_arms = len(codes["arm"])
    if c.get("timeseries") is not None:
        c.require("timeseries", h5py.Group)
        groups = c.require("groups", why=" (needed by /timeseries)")
        gtype = c.dtype("groups")
        if gtype.names is None:
            raise AnalysisError("/groups is not a compound dataset")
        for field in GROUP_FIELDS:
            if field not in gtype.names:
                raise AnalysisError(f"missing field {field} in /groups")
            if gtype[field].kind not in "biu":
                raise AnalysisError(f"/groups field {field} holds {_kind_name(gtype[field])}; "
                                    "expected integers")
        if len(c.shape("groups")) != 1:
            raise AnalysisError(f"/groups has shape {list(c.shape('groups'))}; expected one record "
                                "per group")
        for name in expand_names(TIMESERIES_REQUIRED, codes):
            c.require(f"timeseries/{name}", why=" (schema version 1 always writes it)")
        step_shape = c.numeric("timeseries/step", integer=True)
        if len(step_shape) != 1:
            raise AnalysisError(f"/timeseries/step has shape {list(step_shape)}; expected [observations]")
        n_obs, n_groups = step_shape[0], c.shape("groups")[0]
        n_shape = c.shape("timeseries/n")
        n_reps = n_shape[0] if len(n_shape) == 3 else -1
        for name in c.datasets("timeseries"):
            if name == "step":
                continue
            shape = c.numeric(f"timeseries/{name}")
            if len(shape) != 3 or shape[1:] != (n_obs, n_groups) or shape[0] != n_reps:
                raise AnalysisError(f"/timeseries/{name} has shape {list(shape)}; expected "
                                    f"[replicates, {n_obs} observations, {n_groups} groups]")
            layout.timeseries_metrics.append(name)
        layout.timeseries_shape = (n_reps, n_obs, n_groups)
        layout.present.add("timeseries")

    agent_paths = [(0, "agents/final")]
    network_paths = [(0, "network/final")]
    if c.is_group("replicates"):
        with reading("/replicates"):
            keys = list(f["replicates"].keys())
        for key in sorted((k for k in keys if k.isdigit()), key=int):
            agent_paths.append((int(key), f"replicates/{key}/agents/final"))
            network_paths.append((int(key), f"replicates/{key}/network/final"))
    for replicate, path in agent_paths:
        if not c.is_group(path):
            continue
        fields = c.datasets(path)
        lengths = set()
        for name in fields:
            shape = c.numeric(f"{path}/{name}")
            if not shape:
                raise AnalysisError(f"/{path}/{name} is a scalar; expected one value per agent")
            lengths.add(shape[0])
        if len(lengths) > 1:
            raise AnalysisError(f"/{path} datasets have different lengths {sorted(lengths)}")
        for name in ("skills", "skills_initial"):
            if name in fields and c.shape(f"{path}/{name}")[1:] != (len(codes["domain"]),):
                raise AnalysisError(f"/{path}/{name} has shape {list(c.shape(f'{path}/{name}'))}; "
                                    f"expected [agents, {len(codes['domain'])} domains]")
        for name in AGENT_CODE_FIELDS:
            if name in fields:
                c.numeric(f"{path}/{name}", integer=True)
        layout.agent_paths.append((replicate, path))
        layout.agent_fields = fields if not layout.agent_fields else layout.agent_fields
    if layout.agent_paths:
        layout.present.add("agents")
    for replicate, path in network_paths:
        if not c.is_group(path):
            continue
        for name in NETWORK_FIELDS:
            c.require(f"{path}/{name}")
            c.numeric(f"{path}/{name}", integer=name != "weight")
        shapes = {c.shape(f"{path}/{name}") for name in NETWORK_FIELDS}
        if len(shapes) != 1 or len(next(iter(shapes))) != 1:
            raise AnalysisError(f"/{path}/src, dst and weight have different shapes")
        layout.network_paths.append((replicate, path))
    if layout.network_paths:
        layout.present.add("network")
    for kind in ("agents", "network"):
        if c.is_group(kind):
            for name in _subgroups(c, kind):
                if name.startswith("week_") and name[5:].isdigit():
                    layout.snapshots[kind][int(name[5:])] = f"{kind}/{name}"

    if c.get("dyads") is not None:
        c.require("dyads", h5py.Group)
        for name in DYAD_REQUIRED:
            c.require(f"dyads/{name}", why=" (schema version 1 always writes it)")
        layout.dyad_fields = c.datasets("dyads")
        shapes = set()
        for name in layout.dyad_fields:
            shapes.add(c.numeric(f"dyads/{name}", integer=name in DYAD_CODE_FIELDS
                                 or name in ("replicate", "mentor", "mentee", "start", "end")))
        if len(shapes) != 1 or len(next(iter(shapes))) != 1:
            raise AnalysisError("/dyads datasets have different shapes")
        layout.present.add("dyads")

    if c.get("outcomes") is not None:
        c.require("outcomes", h5py.Group)
        for name in expand_names(OUTCOMES_REQUIRED, codes):
            c.require(f"outcomes/{name}", why=" (schema version 1 always writes it)")
        n_reps = None
        for name in c.datasets("outcomes"):
            shape = c.numeric(f"outcomes/{name}")
            if len(shape) != 2 or shape[1] != n_arms or (n_reps is not None and shape[0] != n_reps):
                raise AnalysisError(f"/outcomes/{name} has shape {list(shape)}; expected "
                                    f"[replicates, {n_arms} arms]")
            n_reps = shape[0]
            layout.outcome_metrics.append(name)
        for by, (sub, levels) in OUTCOME_BREAKDOWNS.items():
            for name in BREAKDOWNS_REQUIRED[by]:
                c.require(f"outcomes/{sub}/{name}", why=" (schema version 1 always writes it)")
            names = c.datasets(f"outcomes/{sub}")
            for name in names:
                shape = c.numeric(f"outcomes/{sub}/{name}")
                if len(shape) != 3 or shape[1:] != (n_arms, levels) or shape[0] != n_reps:
                    raise AnalysisError(f"/outcomes/{sub}/{name} has shape {list(shape)}; "
                                        f"expected [replicates, {n_arms} arms, {levels}]")
            layout.outcome_breakdowns[by] = names
        layout.present.add("outcomes")

    for section in ("design", "runs"):
        if c.is_group(section):
            layout.present.add(section)

    for section, lost in OPTIONAL_SECTIONS.items():
        if section not in layout.present:
            where = {"agents": "/agents/final", "network": "/network/final"}.get(section, f"/{section}")
            layout.warnings.append(f"no {where}: left out {lost}")
    if "agents" in layout.present:
        for name, use in AGENT_FIELDS_USED.items():
            if name not in layout.agent_fields:
                layout.warnings.append(f"no /agents/final/{name} (see output.agent_fields): "
                                       f"left out what needs it ({use})")
    return layout, meta, codes


def _subgroups(c: _Checker, group: str) -> list[str]:
    with reading(f"/{group}"):
        return sorted(name for name, obj in c.f[group].items() if isinstance(obj, h5py.Group))


def load(path: str | Path) -> "Results":
    """Open a mentorsim results file, check it against schema version 1 and return `Results`."""
    path = Path(path)
    if not path.exists():
        raise AnalysisError(f"{path}: no such file")
    if path.is_dir():
        raise AnalysisError(f"{path}: is a directory, not a results file")
    if not path.is_file():
        raise AnalysisError(f"{path}: is not a regular file (a device, pipe or socket)")
    _set_current(path)
    try:
        with reading("the file"):
            is_hdf5 = h5py.is_hdf5(path)
        if not is_hdf5:
            raise AnalysisError("not an HDF5 file")
        with reading("the file"):
            handle = h5py.File(path, "r")
        with handle as f:
            layout, meta, codes = _validate(f)
        try:
            meta["resolved"] = json.loads(meta["resolved_json"])
        except json.JSONDecodeError as error:
            raise AnalysisError(f"/meta resolved_json is not valid JSON ({error.msg})") from None
        if not isinstance(meta["resolved"], dict):
            raise AnalysisError("/meta resolved_json is not a JSON object")
        if "disabled_submodels" in meta:   # written since issue 19; absent from older files
            text = meta["disabled_submodels"]
            try:
                names = json.loads(text) if isinstance(text, str) else None
            except json.JSONDecodeError:
                names = None
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise AnalysisError(f"/meta disabled_submodels is {text!r}; expected a JSON array of "
                                    "submodel names such as [\"culture\"]")
    except AnalysisError as error:
        raise AnalysisError(f"{path}: {error}") from None
    meta["schema_version"] = SCHEMA_VERSION
    meta["path"] = str(path)
    return Results(path, meta, codes, layout)


# Plausible ranges of stored values: a value outside its range means a damaged file or a writer
# that does not follow the schema. (low, high), NaN always allowed.
_SHARE = (0.0, 1.0)
_COUNT = (0.0, np.inf)
OUTCOME_RANGES = {"coverage": _SHARE, "failure_rate": _SHARE, "retention": _SHARE,
                  "eligible_mentees": _COUNT, "enrolled_mentees": _COUNT, "dyads": _COUNT,
                  "weeks_to_match": _COUNT, "meetings_per_dyad": _COUNT,
                  "complementarity": _SHARE, "similarity": _SHARE, "optimality_gap": _COUNT}
TIMESERIES_RANGES = {"n": _COUNT, "n_initial": _COUNT, "leavers": _COUNT, "hires": _COUNT,
                     "retained": _SHARE, "in_mentoring": _SHARE, "mentoring_as_mentor": _SHARE,
                     "mentoring_as_mentee": _SHARE, "satisfaction": _SHARE, "confidence": _SHARE,
                     "intent_to_leave": _SHARE, "psych_safety": _SHARE, "degree": _COUNT,
                     "strength": _COUNT, "cross_institution_ties": _COUNT, "meetings": _COUNT}


def _outcome_range(name: str) -> tuple[float, float] | None:
    if name in OUTCOME_RANGES:
        return OUTCOME_RANGES[name]
    if name.startswith(("end_", "quality_")):
        return _SHARE
    if name.startswith("unmatched_"):
        return _COUNT
    return None


def _timeseries_range(name: str) -> tuple[float, float] | None:
    if name in TIMESERIES_RANGES:
        return TIMESERIES_RANGES[name]
    if name.startswith("skill_"):
        return _SHARE
    return None


def check_range(values: np.ndarray, bounds: tuple[float, float] | None, what: str) -> None:
    """Raise AnalysisError if a finite value lies outside `bounds` or a value is infinite."""
    if bounds is None:
        if np.isinf(values).any():
            raise AnalysisError(f"{what} holds an infinite value")
        return
    low, high = bounds
    bad = np.isinf(values) | (np.isfinite(values) & ((values < low - 1e-9) | (values > high + 1e-9)))
    if bad.any():
        value = values[bad].flat[0]
        span = f"[{low:g}, {high:g}]" if np.isfinite(high) else f"at least {low:g}"
        raise AnalysisError(f"{what} holds {value:g}, outside its range {span}")


class Results:
    """One results file: provenance (`meta`), code tables (`codes`) and tidy frames, read lazily.

    Frames: `timeseries` (long: replicate, step, arm, institution, profession, stage, minority,
    group, metric, value), `groups`, `agents`, `network`, `dyads`, `outcomes` (long: replicate,
    arm, metric, by, level, value) and, for sweeps, `design` and `runs`. A frame for a part the
    file lacks is None; `has(section)` and `missing_reason(section)` say why, and `warnings`
    lists every optional part that is missing.
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
    def warnings(self) -> list[str]:
        """Optional parts the file lacks and what is left out without them."""
        return list(self._layout.warnings)

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
            "dyads": "this file has no /dyads",
            "outcomes": "this file has no /outcomes",
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

    @property
    def snapshot_weeks(self) -> dict[str, list[int]]:
        """Weeks of the /agents/week_<t> and /network/week_<t> snapshots."""
        return {kind: sorted(weeks) for kind, weeks in self._layout.snapshots.items()}

    def check_series(self, names: Iterable[str] | None) -> list[str]:
        return check_names(names, self.timeseries_metrics, "timeseries metric",
                           self.missing_reason("timeseries"))

    def check_outcomes(self, names: Iterable[str] | None) -> list[str]:
        return check_names(names, self.outcome_metrics, "outcome", self.missing_reason("outcomes"))

    # -- reading ------------------------------------------------------------------------------
    def _open(self) -> h5py.File:
        _set_current(self.path)
        with reading("the file"):
            return h5py.File(self.path, "r")

    @staticmethod
    def _read(f: h5py.File, name: str) -> np.ndarray:
        with reading(f"/{name}"):
            return f[name][()]

    def _attach(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.attrs["provenance"] = self.provenance
        return frame

    @cached_property
    @_with_path
    def steps(self) -> np.ndarray | None:
        if not self.has("timeseries"):
            return None
        with self._open() as f:
            return self._read(f, "timeseries/step").astype(np.int64)

    @cached_property
    @_with_path
    def groups(self) -> pd.DataFrame | None:
        """One row per group column of /timeseries, codes decoded; `group` is the column index."""
        if not self.has("timeseries"):
            return None
        with self._open() as f:
            table = self._read(f, "groups")
        frame = pd.DataFrame({"group": np.arange(len(table))})
        for field in GROUP_FIELDS:
            if field == "minority":
                values = table[field].astype(np.int64)
                if ((values != 0) & (values != 1)).any():
                    raise AnalysisError("/groups field minority holds a value other than 0 and 1")
                frame[field] = values.astype(np.int8)
            else:
                frame[field] = _categorical(table[field], self.codes[field], f"/groups {field}",
                                            field)
        return self._attach(frame)

    @_with_path
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
                values = self._read(f, f"timeseries/{name}").astype(np.float64).reshape(-1)
                check_range(values, _timeseries_range(name), f"/timeseries/{name}")
                part["value"] = values
                parts.append(part)
        frame = pd.concat(parts, ignore_index=True) if parts else keys.assign(metric=[], value=[])
        frame["metric"] = pd.Categorical(frame["metric"], categories=names)
        return self._attach(frame)

    @cached_property
    def timeseries(self) -> pd.DataFrame | None:
        return self.timeseries_frame()

    def _read_agents(self, f: h5py.File, replicate: int, path: str) -> pd.DataFrame:
        columns: dict[str, object] = {}
        length = None
        for name in self._layout.agent_fields:
            if not isinstance(f.get(f"{path}/{name}"), h5py.Dataset):
                continue
            data = self._read(f, f"{path}/{name}")
            length = data.shape[0]
            if name in ("skills", "skills_initial"):
                values = data.astype(np.float64)
                check_range(values, _SHARE, f"/{path}/{name}")
                prefix = "skill_" if name == "skills" else "skill_initial_"
                for j, domain in enumerate(self.domains):
                    columns[prefix + domain] = values[:, j]
            elif name in AGENT_CODE_FIELDS and AGENT_CODE_FIELDS[name] in self.codes:
                table = AGENT_CODE_FIELDS[name]
                columns[name] = _categorical(data, self.codes[table], f"/{path}/{name}", table,
                                             allow_none=(name == "joint_institution"))
            elif data.ndim == 1:
                if data.dtype.kind == "f":
                    check_range(data.astype(np.float64), None, f"/{path}/{name}")
                columns[name] = data
        frame = pd.DataFrame(columns)
        if "id" not in frame:
            frame.insert(0, "id", np.arange(length or 0, dtype=np.uint32))
        frame.insert(0, "replicate", replicate)
        return frame

    @cached_property
    @_with_path
    def agents(self) -> pd.DataFrame | None:
        """/agents/final of every replicate the file holds (usually replicate 0 only); skills as
        columns skill_<domain> and skill_initial_<domain>; codes decoded."""
        if not self.has("agents"):
            return None
        with self._open() as f:
            parts = [self._read_agents(f, r, p) for r, p in self._layout.agent_paths]
        return self._attach(pd.concat(parts, ignore_index=True))

    @_with_path
    def agents_at(self, week: int) -> pd.DataFrame | None:
        """/agents/week_<week> of replicate 0 (None if the file has no such snapshot)."""
        path = self._layout.snapshots["agents"].get(week)
        if path is None:
            return None
        with self._open() as f:
            return self._attach(self._read_agents(f, 0, path))

    def _read_network(self, f: h5py.File, replicate: int, path: str) -> pd.DataFrame:
        frame = pd.DataFrame({
            "replicate": replicate,
            "src": self._read(f, f"{path}/src").astype(np.int64),
            "dst": self._read(f, f"{path}/dst").astype(np.int64),
            "weight": self._read(f, f"{path}/weight").astype(np.float64)})
        if len(frame) and ((frame["src"] < 0).any() or (frame["dst"] < 0).any()):
            raise AnalysisError(f"/{path}/src or dst holds a negative agent id")
        check_range(frame["weight"].to_numpy(), None, f"/{path}/weight")
        return frame

    @cached_property
    @_with_path
    def network(self) -> pd.DataFrame | None:
        """Collegial ties at the end: replicate, src, dst, weight (each tie once)."""
        if not self.has("network"):
            return None
        with self._open() as f:
            parts = [self._read_network(f, r, p) for r, p in self._layout.network_paths]
        return self._attach(pd.concat(parts, ignore_index=True))

    @_with_path
    def network_at(self, week: int) -> pd.DataFrame | None:
        """/network/week_<week> of replicate 0 (None if the file has no such snapshot)."""
        path = self._layout.snapshots["network"].get(week)
        if path is None:
            return None
        with self._open() as f:
            for name in NETWORK_FIELDS:
                if not isinstance(f.get(f"{path}/{name}"), h5py.Dataset):
                    raise AnalysisError(f"missing dataset /{path}/{name}")
            return self._attach(self._read_network(f, 0, path))

    @cached_property
    @_with_path
    def network_attrs(self) -> dict:
        if not self.has("network"):
            return {}
        path = self._layout.network_paths[0][1]
        with self._open() as f, reading(f"/{path} attributes"):
            return {key: _scalar(value) for key, value in f[path].attrs.items()}

    # The columns of /patterns (written by `mentorsim patterns`; docs/hdf5-schema.md).
    PATTERN_TEXT = ("id", "name", "figure", "published", "source", "statistic", "description",
                    "verdict", "reason")
    PATTERN_NUMBERS = ("target_low", "target_high", "tolerance", "mean", "ci_low", "ci_high",
                       "replicates", "reproduced")

    @cached_property
    @_with_path
    def patterns(self) -> pd.DataFrame | None:
        """The pattern table `mentorsim patterns` added to the file (one row per pattern, with
        `values`: the per-replicate values as a list), or None when the file has no /patterns."""
        with self._open() as f:
            if "patterns" not in f:
                return None
            columns: dict[str, object] = {}
            for name in self.PATTERN_TEXT:
                data = self._read(f, f"patterns/{name}")
                columns[name] = [v.decode() if isinstance(v, bytes) else str(v) for v in data]
            for name in self.PATTERN_NUMBERS:
                columns[name] = self._read(f, f"patterns/{name}").astype(np.float64)
            values = self._read(f, "patterns/values").astype(np.float64)
        frame = pd.DataFrame(columns)
        if values.ndim != 2 or values.shape[0] != len(frame):
            raise AnalysisError("/patterns/values must have one row per pattern")
        frame["reproduced"] = frame["reproduced"].astype(bool)
        frame["replicates"] = frame["replicates"].astype(np.int64)
        frame["values"] = [row[np.isfinite(row)].tolist() for row in values]
        return self._attach(frame)

    @cached_property
    @_with_path
    def dyads(self) -> pd.DataFrame | None:
        """Every mentoring link of every replicate; `dyad` is the row index in /dyads."""
        if not self.has("dyads"):
            return None
        columns: dict[str, object] = {}
        with self._open() as f:
            for name in self._layout.dyad_fields:
                data = self._read(f, f"dyads/{name}")
                if name in DYAD_CODE_FIELDS:
                    table = DYAD_CODE_FIELDS[name]
                    columns[name] = _categorical(data, self.codes[table], f"/dyads/{name}", table)
                else:
                    if data.dtype.kind == "f":
                        bounds = _SHARE if name in ("quality", "quality_initial", "similarity",
                                                    "complementarity") else None
                        check_range(data.astype(np.float64), bounds, f"/dyads/{name}")
                    columns[name] = data
        frame = pd.DataFrame(columns)
        if len(frame) and (frame["replicate"].astype(np.int64) >= max(1, self.replicates)).any():
            raise AnalysisError(f"/dyads/replicate holds a replicate beyond /meta replicates "
                                f"({self.replicates})")
        frame.insert(0, "dyad", np.arange(len(frame), dtype=np.int64))
        return self._attach(frame)

    @cached_property
    @_with_path
    def outcomes(self) -> pd.DataFrame | None:
        """Long /outcomes: replicate, arm, metric, by ('all', 'minority', 'isolation'), level
        (<NA> for 'all'; minority 0/1; isolation quartile 1 = most isolated .. 4), value."""
        if not self.has("outcomes"):
            return None
        parts = []
        arms = self.arms
        with self._open() as f:
            for name in self._layout.outcome_metrics:
                data = self._read(f, f"outcomes/{name}").astype(np.float64)
                check_range(data, _outcome_range(name), f"/outcomes/{name}")
                reps = data.shape[0]
                parts.append(pd.DataFrame({
                    "replicate": np.repeat(np.arange(reps), len(arms)),
                    "arm": np.tile(np.arange(len(arms)), reps),
                    "metric": name, "by": "all", "level": pd.NA, "value": data.reshape(-1)}))
            for by, names in self._layout.outcome_breakdowns.items():
                sub, levels = OUTCOME_BREAKDOWNS[by]
                first = 0 if by == "minority" else 1
                for name in names:
                    data = self._read(f, f"outcomes/{sub}/{name}").astype(np.float64)
                    check_range(data, _outcome_range(name), f"/outcomes/{sub}/{name}")
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
            with reading(f"/{section}"):
                names = [n for n, obj in f[section].items() if isinstance(obj, h5py.Dataset)]
            for name in names:
                with reading(f"/{section}/{name}"):
                    data = f[f"{section}/{name}"]
                    if data.ndim == 1:
                        is_text = h5py.check_string_dtype(data.dtype) is not None
                        columns[name] = data.asstr()[()] if is_text else data[()]
        if len({len(v) for v in columns.values()}) > 1:
            raise AnalysisError(f"/{section} datasets have different lengths")
        frame = pd.DataFrame(columns)
        frame.insert(0, "run", np.arange(len(frame)))
        return self._attach(frame)

    @cached_property
    @_with_path
    def design(self) -> pd.DataFrame | None:
        """Sweep design, one row per run (`/design/<parameter>` [run]); None if not a sweep."""
        return self._read_table("design")

    @cached_property
    @_with_path
    def runs(self) -> pd.DataFrame | None:
        """Per-run outcomes of a sweep (`/runs/<field>` [run]); None if not a sweep."""
        return self._read_table("runs")

    @_with_path
    def verify(self) -> None:
        """Read every dataset of the file (a damaged chunk or a failed checksum raises
        AnalysisError naming it), then check the codes and ranges of what the analysis uses."""
        with self._open() as f:
            names = []
            with reading("the file's objects"):
                f.visititems(lambda name, obj: names.append(name)
                             if isinstance(obj, h5py.Dataset) else None)
            for name in names:
                self._read(f, name)
            for name in self.timeseries_metrics:
                check_range(np.asarray(self._read(f, f"timeseries/{name}"), dtype=np.float64),
                            _timeseries_range(name), f"/timeseries/{name}")
        for name in ("groups", "steps", "agents", "network", "network_attrs", "dyads",
                     "outcomes", "design", "runs"):
            getattr(self, name)

    def read_all(self) -> None:
        """Read every frame now (a damaged dataset raises AnalysisError here, not half-way
        through writing a report)."""
        for name in ("groups", "steps", "timeseries", "agents", "network", "network_attrs",
                     "dyads", "outcomes", "design", "runs"):
            getattr(self, name)
        for week in self._layout.snapshots["network"]:
            self.network_at(week)
