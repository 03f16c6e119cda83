"""Compiled attribute mappings and the set that turns a source record into a desired entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from ldapconnector.config import DN_TARGET, ApplyWhen, MappingConfig, MappingType, ObjectTypeConfig
from ldapconnector.errors import ConfigurationError, ExpressionError, ExpressionSyntaxError
from ldapconnector.expressions import (
    DO_NOT_FLOW,
    EvaluationContext,
    Expression,
    FunctionRegistry,
    Redacted,
    compile_expression,
)
from ldapconnector.mapping._desired import DesiredEntry, MappingFailure, MappingResult
from ldapconnector.mapping._record import (
    CONTROL_KEYS,
    DELETED_KEY,
    SOFT_DELETED_KEY,
    is_flag_set,
)
from ldapconnector.mapping._values import to_ldap_values
from ldapconnector.model import Value

__all__ = ["OBJECT_CLASS_TARGET", "AttributeMapping", "MappingSet"]

#: The target that sets the entry's object classes (structural + auxiliary).
OBJECT_CLASS_TARGET = "objectClass"

Evaluator = Callable[[Mapping[str, object], EvaluationContext | None], object]


def _constant(value: str | None) -> Evaluator:
    return lambda _attributes, _context: value


def _direct(source: str) -> Evaluator:
    return lambda attributes, _context: attributes.get(source)


def _expression(expression: Expression) -> Evaluator:
    return lambda attributes, context: expression.evaluate(attributes, context=context)


@attrs.frozen(kw_only=True)
class AttributeMapping:
    """One compiled mapping: where a target attribute's value comes from.

    Attributes:
        target: the directory attribute, ``-dn-`` or ``objectClass``.
        type: direct, constant or expression.
        apply: always, or only when the entry is created.
        matching_precedence: position in correlation (1 first), or None.
        default_value: used when a direct/expression mapping gives null.
        expression: the compiled expression (``expression`` mappings only).
        source: the source attribute (``direct`` mappings only).
        value: the constant (``constant`` mappings only).
    """

    target: str
    type: MappingType
    apply: ApplyWhen = ApplyWhen.ALWAYS
    matching_precedence: int | None = None
    default_value: str | None = None
    expression: Expression | None = None
    source: str | None = None
    value: str | None = None
    _evaluate: Evaluator = attrs.field(repr=False, eq=False, alias="evaluate")

    @classmethod
    def from_config(
        cls, config: MappingConfig, *, functions: FunctionRegistry | None = None
    ) -> AttributeMapping:
        """Compile one ``[[mappings]]`` table (the expression is compiled here, once).

        Args:
            config: the mapping table.
            functions: the expression functions (default: the built-ins).

        Raises:
            ExpressionSyntaxError: the expression does not compile.
        """
        expression = None
        if config.type is MappingType.EXPRESSION:
            expression = compile_expression(config.expression or "", functions=functions)
            evaluate = _expression(expression)
        elif config.type is MappingType.DIRECT:
            evaluate = _direct(config.source or "")
        else:
            evaluate = _constant(config.value)
        return cls(
            target=config.target,
            type=config.type,
            apply=config.apply,
            matching_precedence=config.matching_precedence,
            default_value=config.default_value if config.type is not MappingType.CONSTANT else None,
            expression=expression,
            source=config.source,
            value=config.value if config.type is MappingType.CONSTANT else None,
            evaluate=evaluate,
        )

    def evaluate(
        self, attributes: Mapping[str, object], context: EvaluationContext | None = None
    ) -> object:
        """The mapping's raw result for one record (``default_value`` stands in for null).

        Raises:
            ExpressionError: the expression failed on this record.
        """
        result = self._evaluate(attributes, context)
        if self.default_value is not None and not to_ldap_values(_unwrap(result)):
            return self.default_value if result is not DO_NOT_FLOW else result
        return result

    @property
    def may_redact(self) -> bool:
        """Whether the expression calls ``Redact``: its error messages must not show values."""
        return self.expression is not None and "redact" in self.expression.source.lower()

    @property
    def is_static(self) -> bool:
        """Whether the result depends on no source attribute (constants, ``Split("a,b", ",")``)."""
        if self.type is MappingType.CONSTANT:
            return True
        return self.expression is not None and not self.expression.attribute_names


def _unwrap(value: object) -> object:
    if isinstance(value, Redacted):
        return value.value
    return None if value is DO_NOT_FLOW else value


def _compile_all(
    configs: Sequence[MappingConfig], functions: FunctionRegistry | None
) -> tuple[AttributeMapping, ...]:
    compiled: list[AttributeMapping] = []
    problems: list[str] = []
    for index, config in enumerate(configs):
        try:
            compiled.append(AttributeMapping.from_config(config, functions=functions))
        except ExpressionSyntaxError as error:
            problems.append(f"mappings[{index}].expression: {error}")
    if problems:
        raise ConfigurationError(problems)
    return tuple(compiled)


@attrs.frozen(kw_only=True)
class MappingSet:
    """Every mapping of a connector, compiled once per run.

    Attributes:
        mappings: the compiled mappings in configuration order.
        structural: the configured structural class (``[object_type] target``).
        auxiliary: the configured auxiliary classes.
        flow_nulls: a null result clears the target attribute instead of leaving it as
            it is (Entra's default is to leave it).
    """

    mappings: tuple[AttributeMapping, ...]
    structural: str | None = None
    auxiliary: tuple[str, ...] = ()
    flow_nulls: bool = False

    @classmethod
    def compile(
        cls,
        configs: Iterable[MappingConfig],
        *,
        object_type: ObjectTypeConfig | None = None,
        flow_nulls: bool = False,
        functions: FunctionRegistry | None = None,
    ) -> MappingSet:
        """Compile the ``[[mappings]]`` of a configuration.

        Args:
            configs: the mapping tables, in order.
            object_type: the ``[object_type]`` section: the object classes used when no
                mapping targets ``objectClass``.
            flow_nulls: see the class attribute.
            functions: the expression functions the mappings may call (default: the
                built-ins).

        Raises:
            ConfigurationError: some expressions do not compile (every one is listed).
        """
        return cls(
            mappings=_compile_all(tuple(configs), functions),
            structural=object_type.target if object_type else None,
            auxiliary=object_type.auxiliary if object_type else (),
            flow_nulls=flow_nulls,
        )

    def mapping_for(self, target: str) -> AttributeMapping | None:
        """The mapping of ``target`` (case-insensitive), or None."""
        wanted = target.lower()
        return next((m for m in self.mappings if m.target.lower() == wanted), None)

    @property
    def create_only_targets(self) -> frozenset[str]:
        """Targets whose mapping applies only on create."""
        return frozenset(m.target for m in self.mappings if m.apply is ApplyWhen.CREATE)

    def configured_object_classes(self) -> tuple[str, ...]:
        """The structural class and auxiliary classes of the configuration."""
        return ((self.structural,) if self.structural else ()) + self.auxiliary

    def apply(
        self,
        record: Mapping[str, object],
        *,
        context: EvaluationContext | None = None,
        creating: bool,
    ) -> MappingResult:
        """Map one source record to its desired entry.

        Args:
            record: the source record (docs/provisioning.md, "Source records"): ``id``, attributes,
                and the control keys ``isSoftDeleted`` and ``@deleted``.
            context: what expressions need from outside (clock, uniqueness check, ...).
            creating: the entry is about to be created: create-only mappings are applied
                too. When False they are not evaluated at all.

        Returns:
            The :class:`DesiredEntry`, or a :class:`MappingFailure` naming the mapping
            that failed; one bad record never raises.
        """
        source_id = record.get("id")
        if not isinstance(source_id, str | int) or isinstance(source_id, bool) or source_id == "":
            return MappingFailure(source_id=None, target=None, message="the record has no 'id'")
        builder = _Builder(source_id=str(source_id), flow_nulls=self.flow_nulls)
        attributes = {k: v for k, v in record.items() if k not in CONTROL_KEYS}
        for mapping in self.mappings:
            if mapping.apply is ApplyWhen.CREATE:
                builder.create_only.add(mapping.target)
                if not creating:
                    continue
            failure = builder.add(mapping, attributes, context)
            if failure is not None:
                return failure
        return builder.build(
            default_classes=self.configured_object_classes(),
            soft_deleted=is_flag_set(record, SOFT_DELETED_KEY),
            deleted=is_flag_set(record, DELETED_KEY),
        )


@attrs.define
class _Builder:
    """Collects mapping results for one record."""

    source_id: str
    flow_nulls: bool
    dn: str | None = None
    object_classes: tuple[str, ...] | None = None
    attributes: dict[str, tuple[Value, ...]] = attrs.field(factory=dict)
    create_only: set[str] = attrs.field(factory=set)
    do_not_flow: set[str] = attrs.field(factory=set)
    cleared: set[str] = attrs.field(factory=set)
    redacted: set[str] = attrs.field(factory=set)
    matching: list[tuple[int, str, tuple[Value, ...]]] = attrs.field(factory=list)

    def add(
        self,
        mapping: AttributeMapping,
        attributes: Mapping[str, object],
        context: EvaluationContext | None,
    ) -> MappingFailure | None:
        target = mapping.target
        try:
            result = mapping.evaluate(attributes, context)
            if result is DO_NOT_FLOW:
                self.do_not_flow.add(target)
                return None
            if isinstance(result, Redacted):
                self.redacted.add(target)
            values = to_ldap_values(result)
        except (ExpressionError, TypeError) as error:
            message = str(error)
            shown = getattr(error, "value", None)
            if mapping.may_redact and isinstance(shown, str) and shown:
                message = message.replace(shown, "[Redact]")
            return MappingFailure(source_id=self.source_id, target=target, message=message)
        return self._store(mapping, values)

    def _store(self, mapping: AttributeMapping, values: tuple[Value, ...]) -> MappingFailure | None:
        target = mapping.target
        if target == DN_TARGET:
            if len(values) > 1 or any(not isinstance(v, str) for v in values):
                message = f"the DN must be one text value, got {len(values)} values"
                return MappingFailure(source_id=self.source_id, target=target, message=message)
            self.dn = str(values[0]) if values else None
            return None
        if target.lower() == OBJECT_CLASS_TARGET.lower():
            self.object_classes = tuple(str(v) for v in values) or None
            return None
        if not values:
            if self.flow_nulls:
                self.cleared.add(target)
            return None
        self.attributes[target] = values
        if mapping.matching_precedence is not None:
            self.matching.append((mapping.matching_precedence, target, values))
        return None

    def build(
        self, *, default_classes: tuple[str, ...], soft_deleted: bool, deleted: bool
    ) -> DesiredEntry:
        return DesiredEntry(
            source_id=self.source_id,
            dn=self.dn,
            object_classes=self.object_classes or default_classes,
            attributes=self.attributes,
            create_only=self.create_only,
            do_not_flow=self.do_not_flow,
            cleared=self.cleared,
            redacted=self.redacted,
            matching=tuple((name, values) for _, name, values in sorted(self.matching)),
            soft_deleted=soft_deleted,
            deleted=deleted,
        )
