"""Log files through grok patterns: custom Grok classifiers and the built-in Apache
(``apache``), combined Apache (``combined_apache``) and S3 server access log classifiers.
Tables use Glue's GrokSerDe with the pattern in ``input.format``.
"""

from __future__ import annotations

from lakebed.crawlers.classifiers.base import (
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.grok import compile_grok
from lakebed.crawlers.inference import Scalar, Schema
from lakebed.formats import serdes

MAX_LINES = 1000

S3_ACCESS_LOG_PATTERN = (
    r"%{NOTSPACE:bucketowner} %{NOTSPACE:bucket_name} \[%{HTTPDATE:requestdatetime}\] "
    r"%{NOTSPACE:remoteip} %{NOTSPACE:requester} %{NOTSPACE:requestid} %{NOTSPACE:operation} "
    r'%{NOTSPACE:key} (?:"%{DATA:request_uri}"|-) %{NOTSPACE:httpstatus} '
    r"%{NOTSPACE:errorcode} %{NOTSPACE:bytessent} %{NOTSPACE:objectsize} "
    r'%{NOTSPACE:totaltime} %{NOTSPACE:turnaroundtime} (?:"%{DATA:referrer}"|-) '
    r'(?:"%{DATA:useragent}"|-) %{NOTSPACE:versionid}(?: %{NOTSPACE:hostid} '
    r"%{NOTSPACE:sigv} %{NOTSPACE:ciphersuite} %{NOTSPACE:authtype} %{NOTSPACE:endpoint} "
    r"%{NOTSPACE:tlsversion}(?: %{NOTSPACE:accesspointarn})?(?: %{NOTSPACE:aclrequired})?)?"
    r"%{GREEDYDATA}"
)
"""S3 server access log records (the trailing fields S3 added over the years are optional)."""


class GrokClassifier(BaseClassifier):
    """Lines matched by a grok pattern; certainty is the share of sampled lines that match."""

    def __init__(
        self,
        name: str,
        classification: str,
        grok_pattern: str,
        custom_patterns: str | None = None,
    ) -> None:
        self.name = name
        self.classification = classification
        self.grok_pattern = grok_pattern
        self.custom_patterns = custom_patterns
        self._compiled = compile_grok(grok_pattern, custom_patterns)
        params = [("input.format", grok_pattern)]
        if custom_patterns:
            params.append(("input.grokCustomPatterns", custom_patterns))
        self._storage = StorageFormat(
            serdes.GROK, serdes.TEXT_INPUT, serdes.TEXT_OUTPUT, tuple(params)
        )

    def classify(self, sample: FileSample) -> Classification | None:
        """Matches when at least one sampled line matches the whole pattern."""
        lines = sample.lines()[:MAX_LINES]
        if not lines:
            return None
        matched = sum(1 for ln in lines if self._compiled.matches(ln))
        if not matched:
            return None
        schema = Schema(tuple((n, Scalar(t)) for n, t in self._compiled.fields))
        return Classification(
            self.classification,
            schema,
            self._storage,
            certainty=matched / len(lines),
            records=matched,
            sample_bytes=sum(len(ln) + 1 for ln in lines),
            classifier=self,
        )


def builtin_log_classifiers() -> list[GrokClassifier]:
    """The built-in log classifiers, in Glue's order (combined Apache before Apache)."""
    return [
        GrokClassifier("combined_apache", "combined_apache", "%{COMBINEDAPACHELOG}"),
        GrokClassifier("apache", "apache", "%{COMMONAPACHELOG}"),
        GrokClassifier("s3_access_log", "s3_access_log", S3_ACCESS_LOG_PATTERN),
    ]
