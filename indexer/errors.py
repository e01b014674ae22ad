"""Specific exceptions of the library; the CLI and the web app translate them at their edges."""


class GkaError(Exception):
    """Base class: every error the library raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        if hint:
            self.hint = hint


class ConfigError(GkaError):
    """A setting is missing or has an invalid value (unknown backend, embedder, mode...)."""


class ReadError(GkaError):
    """One input file could not be read; the build reports it and goes on."""

    def __init__(self, path, reason: str, hint: str = ""):
        super().__init__(f"{path}: {reason}", hint)
        self.path = str(path)
        self.reason = reason


class RecordError(ReadError):
    """A structured record (YAML/JSON) does not match the intervention schema."""


class IndexNotFound(GkaError):
    """No index exists at the given location."""

    hint = "build one first: python -m indexer build FOLDER (FOLDER: your documents; without it the sample corpus is built)"


class IndexMismatch(GkaError):
    """The index was built with another embedder, dimension or mapping version."""

    hint = "rebuild the index: python -m indexer build --rebuild"


class DependencyMissing(GkaError):
    """An optional package is not installed."""


class BackendUnavailable(GkaError):
    """The search backend cannot be reached or is locked/corrupt right now (HTTP 503)."""


class QueryModelUnavailable(BackendUnavailable):
    """The index is readable but the query model it was built with cannot be used here (not
    installed, moved, or its files changed since the build): semantic and hybrid search are 503."""


class QueryError(GkaError):
    """The user's query or search parameters are invalid (HTTP 400)."""


class UnknownFilterValue(QueryError):
    """A filter value outside a field's fixed vocabulary; ``valid`` lists the values it takes."""

    def __init__(self, field: str, value: str, valid: list[str], hint: str = ""):
        super().__init__(f"unknown {field} {value!r}; choose one of: {', '.join(valid)}", hint)
        self.field, self.value, self.valid = field, value, list(valid)


class InvalidYear(QueryError):
    """A jaar filter value that is no year of four digits ("tweeduizend") or outside the years
    the index knows (``years``: first, last; "1899"): it would find nothing."""

    def __init__(self, value: str, years: tuple[int, int]):
        first, last = years
        super().__init__(f"jaar {value!r} is no year of four digits from {first} to {last}",
                         "a year filter looks like jaar=2019")
        self.value, self.years = value, years


class DocumentNotFound(GkaError):
    """No document with that id (HTTP 404)."""


class SearchTimeout(GkaError):
    """A search ran past its time budget (HTTP 504); the worker is freed for other requests."""

    hint = "try a shorter query or fewer alternatives"


class BuildLocked(GkaError):
    """Another build is writing to this index right now."""

    hint = "wait for the other build to finish"
