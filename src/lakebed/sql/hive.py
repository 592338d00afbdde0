"""Hive and Athena statements that sqlglot does not parse (SHOW, DESCRIBE, MSCK, ALTER …).

A small recursive-descent grammar over sqlglot's Hive tokenizer (backquoted identifiers,
backslash escapes in strings, as Athena's DDL has them). ``parse`` returns a statement object
for text it recognises and None for everything else, which then goes to sqlglot. Statements
Athena explicitly does not support (https://docs.aws.amazon.com/athena/latest/ug/unsupported-ddl.html)
raise NOT_SUPPORTED naming the statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from sqlglot.dialects.hive import Hive
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from lakebed.catalog.models import Column
from lakebed.errors import NotSupportedError, ParseError
from lakebed.sql.statements import StatementType
from lakebed.types import hive_type, parse_type

DDL, UTILITY = StatementType.DDL, StatementType.UTILITY


class _Tokenizer(Hive.Tokenizer):
    # Hive's tokenizer swallows the rest of a SHOW statement as one string; we parse it.
    COMMANDS: ClassVar[set[TokenType]] = set()
    # …and reads "MSCK REPAIR" as one command token: here every word is its own token.
    KEYWORDS: ClassVar[dict[str, TokenType]] = {
        k: v for k, v in Hive.Tokenizer.KEYWORDS.items() if v != TokenType.COMMAND
    }


# -- statement objects ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableName:
    """A possibly database-qualified table or view name as written."""

    database: str | None
    name: str

    def resolve(self, default_database: str) -> tuple[str, str]:
        """(database, name), lower case, with the session's database when unqualified."""
        return (self.database or default_database).lower(), self.name.lower()


PartitionSpec = tuple[tuple[str, str], ...]
"""``PARTITION (k='v', …)`` as ((key, value text), …) in the order written."""


@dataclass(frozen=True, slots=True)
class HiveStatement:
    """Base of lakebed's own statement objects: ``kind`` and ``statement_type`` as Athena
    reports them (``SubstatementType`` / ``StatementType``).
    """

    kind: ClassVar[str] = ""
    statement_type: ClassVar[StatementType] = DDL


@dataclass(frozen=True, slots=True)
class CreateDatabase(HiveStatement):
    """``CREATE {DATABASE|SCHEMA} [IF NOT EXISTS] db [COMMENT] [LOCATION] [WITH DBPROPERTIES]``."""

    kind: ClassVar[str] = "CREATE_DATABASE"
    name: str
    if_not_exists: bool = False
    comment: str | None = None
    location: str | None = None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlterDatabase(HiveStatement):
    """``ALTER {DATABASE|SCHEMA} db SET DBPROPERTIES (…)``."""

    kind: ClassVar[str] = "ALTER_DATABASE"
    name: str
    properties: dict[str, str]


@dataclass(frozen=True, slots=True)
class ShowDatabases(HiveStatement):
    """``SHOW {DATABASES|SCHEMAS} [LIKE 'pattern']``."""

    kind: ClassVar[str] = "SHOW_DATABASES"
    statement_type: ClassVar[StatementType] = UTILITY
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class ShowTables(HiveStatement):
    """``SHOW TABLES [IN db] ['pattern']``."""

    kind: ClassVar[str] = "SHOW_TABLES"
    statement_type: ClassVar[StatementType] = UTILITY
    database: str | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class ShowViews(HiveStatement):
    """``SHOW VIEWS [IN db] [LIKE 'pattern']``."""

    kind: ClassVar[str] = "SHOW_VIEWS"
    statement_type: ClassVar[StatementType] = UTILITY
    database: str | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class ShowColumns(HiveStatement):
    """``SHOW COLUMNS {FROM|IN} t [{FROM|IN} db]``."""

    kind: ClassVar[str] = "SHOW_COLUMNS"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName


@dataclass(frozen=True, slots=True)
class ShowCreateTable(HiveStatement):
    """``SHOW CREATE TABLE t``."""

    kind: ClassVar[str] = "SHOW_CREATE_TABLE"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName


@dataclass(frozen=True, slots=True)
class ShowCreateView(HiveStatement):
    """``SHOW CREATE VIEW v``."""

    kind: ClassVar[str] = "SHOW_CREATE_VIEW"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName


@dataclass(frozen=True, slots=True)
class ShowTblProperties(HiveStatement):
    """``SHOW TBLPROPERTIES t [('key')]``."""

    kind: ClassVar[str] = "SHOW_TBLPROPERTIES"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName
    key: str | None = None


@dataclass(frozen=True, slots=True)
class ShowPartitions(HiveStatement):
    """``SHOW PARTITIONS t [PARTITION (…)]``."""

    kind: ClassVar[str] = "SHOW_PARTITIONS"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName
    spec: PartitionSpec | None = None


@dataclass(frozen=True, slots=True)
class Describe(HiveStatement):
    """``DESCRIBE [EXTENDED|FORMATTED] t [PARTITION (…)] [col[.field…]]``; ``DESCRIBE VIEW v``."""

    kind: ClassVar[str] = "DESCRIBE_TABLE"
    statement_type: ClassVar[StatementType] = UTILITY
    table: TableName
    style: str | None = None
    spec: PartitionSpec | None = None
    column: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MsckRepair(HiveStatement):
    """``MSCK REPAIR TABLE t``."""

    kind: ClassVar[str] = "MSCK_REPAIR_TABLE"
    table: TableName


@dataclass(frozen=True, slots=True)
class AddPartitions(HiveStatement):
    """``ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (…) [LOCATION '…'] …``."""

    kind: ClassVar[str] = "ALTER_TABLE_ADD_PARTITION"
    table: TableName
    partitions: tuple[tuple[PartitionSpec, str | None], ...]
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropPartitions(HiveStatement):
    """``ALTER TABLE t DROP [IF EXISTS] PARTITION (…) [, PARTITION (…)]``."""

    kind: ClassVar[str] = "ALTER_TABLE_DROP_PARTITION"
    table: TableName
    specs: tuple[PartitionSpec, ...]
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenamePartition(HiveStatement):
    """``ALTER TABLE t PARTITION (…) RENAME TO PARTITION (…)``."""

    kind: ClassVar[str] = "ALTER_TABLE_RENAME_PARTITION"
    table: TableName
    spec: PartitionSpec
    new_spec: PartitionSpec


@dataclass(frozen=True, slots=True)
class SetLocation(HiveStatement):
    """``ALTER TABLE t [PARTITION (…)] SET LOCATION '…'``."""

    kind: ClassVar[str] = "ALTER_TABLE_SET_LOCATION"
    table: TableName
    location: str
    spec: PartitionSpec | None = None


@dataclass(frozen=True, slots=True)
class AddColumns(HiveStatement):
    """``ALTER TABLE t [PARTITION (…)] ADD COLUMNS (col type [COMMENT '…'], …)``."""

    kind: ClassVar[str] = "ALTER_TABLE_ADD_COLUMNS"
    table: TableName
    columns: tuple[Column, ...]
    spec: PartitionSpec | None = None


@dataclass(frozen=True, slots=True)
class ReplaceColumns(HiveStatement):
    """``ALTER TABLE t [PARTITION (…)] REPLACE COLUMNS (col type, …)``."""

    kind: ClassVar[str] = "ALTER_TABLE_REPLACE_COLUMNS"
    table: TableName
    columns: tuple[Column, ...]
    spec: PartitionSpec | None = None


@dataclass(frozen=True, slots=True)
class ChangeColumn(HiveStatement):
    """``ALTER TABLE t CHANGE [COLUMN] old new type [COMMENT '…'] [FIRST|AFTER col]``."""

    kind: ClassVar[str] = "ALTER_TABLE_CHANGE_COLUMN"
    table: TableName
    old_name: str
    column: Column
    first: bool = False
    after: str | None = None


@dataclass(frozen=True, slots=True)
class DropColumn(HiveStatement):
    """``ALTER TABLE t DROP [COLUMN] col`` (Athena allows it for Iceberg tables only)."""

    kind: ClassVar[str] = "ALTER_TABLE_DROP_COLUMN"
    table: TableName
    column: str


@dataclass(frozen=True, slots=True)
class SetTblProperties(HiveStatement):
    """``ALTER TABLE t SET TBLPROPERTIES ('k'='v', …)``."""

    kind: ClassVar[str] = "ALTER_TABLE_SET_TBLPROPERTIES"
    table: TableName
    properties: dict[str, str]


@dataclass(frozen=True, slots=True)
class UnsetTblProperties(HiveStatement):
    """``ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] ('k', …)``."""

    kind: ClassVar[str] = "ALTER_TABLE_UNSET_TBLPROPERTIES"
    table: TableName
    keys: tuple[str, ...]
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenameTable(HiveStatement):
    """``ALTER TABLE t RENAME TO u`` (Athena allows it for Iceberg tables only)."""

    kind: ClassVar[str] = "ALTER_TABLE_RENAME"
    table: TableName
    new_name: TableName


# -- the token cursor ----------------------------------------------------------------------

_WORDLESS = {
    TokenType.STRING,
    TokenType.NUMBER,
    TokenType.IDENTIFIER,
    TokenType.L_PAREN,
    TokenType.R_PAREN,
    TokenType.COMMA,
    TokenType.EQ,
    TokenType.DOT,
    TokenType.DASH,
    TokenType.SEMICOLON,
}


def _unsupported(what: str) -> NotSupportedError:
    return NotSupportedError(f"{what} is not supported in Athena.", code="NOT_SUPPORTED")


class _Cursor:
    """Reads tokens for one statement."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = [t for t in tokens if t.token_type != TokenType.SEMICOLON]
        self.i = 0

    # primitives

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def word(self, ahead: int = 0) -> str:
        """The upper-cased keyword at the cursor ('' for strings, punctuation, the end)."""
        tk = self.peek(ahead)
        if tk is None or tk.token_type in _WORDLESS:
            return ""
        return tk.text.upper()

    def words(self, n: int) -> tuple[str, ...]:
        return tuple(self.word(k) for k in range(n))

    def error(self, expected: str) -> ParseError:
        tk = self.peek()
        if tk is None:
            last = self.tokens[-1] if self.tokens else None
            return ParseError(
                f"Expected {expected} but the statement ended.",
                line=last.line if last else 1,
                column=(last.col + 1) if last else 1,
            )
        return ParseError(
            f"Expected {expected} at or near '{tk.text}'.", line=tk.line, column=self.column(tk)
        )

    def column(self, tk: Token) -> int:
        """The 1-based column where a token starts."""
        return tk.start - (self.text.rfind("\n", 0, tk.start) + 1) + 1

    def accept(self, *words: str) -> bool:
        if self.words(len(words)) == words:
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error(" ".join(words))

    def accept_type(self, tt: TokenType) -> Token | None:
        tk = self.peek()
        if tk is not None and tk.token_type == tt:
            self.i += 1
            return tk
        return None

    def expect_type(self, tt: TokenType, what: str) -> Token:
        tk = self.accept_type(tt)
        if tk is None:
            raise self.error(what)
        return tk

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def end(self) -> None:
        if not self.at_end():
            raise self.error("end of statement")

    # grammar pieces

    def string(self, what: str = "a string literal") -> str:
        return self.expect_type(TokenType.STRING, what).text

    def identifier(self, what: str = "a name") -> str:
        tk = self.peek()
        if tk is None or (tk.token_type in _WORDLESS and tk.token_type != TokenType.IDENTIFIER):
            raise self.error(what)
        self.i += 1
        return tk.text

    def table_name(self) -> TableName:
        first = self.identifier("a table name")
        if self.accept_type(TokenType.DOT):
            return TableName(first, self.identifier("a table name"))
        return TableName(None, first)

    def properties(self) -> dict[str, str]:
        """``('k'='v', …)``."""
        self.expect_type(TokenType.L_PAREN, "'('")
        out: dict[str, str] = {}
        while True:
            key = self.string("a property name")
            self.expect_type(TokenType.EQ, "'='")
            out[key] = self.string("a property value")
            if not self.accept_type(TokenType.COMMA):
                break
        self.expect_type(TokenType.R_PAREN, "')'")
        return out

    def string_list(self) -> tuple[str, ...]:
        """``('a', 'b', …)``."""
        self.expect_type(TokenType.L_PAREN, "'('")
        out = [self.string("a property name")]
        while self.accept_type(TokenType.COMMA):
            out.append(self.string("a property name"))
        self.expect_type(TokenType.R_PAREN, "')'")
        return tuple(out)

    def literal(self) -> str:
        """A partition value: a string, a signed number, or a typed literal (DATE '…')."""
        if self.word() in ("DATE", "TIMESTAMP", "CHAR", "VARCHAR") and self.is_type(
            1, TokenType.STRING
        ):
            self.i += 1
        tk = self.accept_type(TokenType.STRING)
        if tk is not None:
            return tk.text
        sign = "-" if self.accept_type(TokenType.DASH) else ""
        tk = self.accept_type(TokenType.NUMBER)
        if tk is not None:
            return sign + tk.text
        if not sign and self.word() in ("TRUE", "FALSE"):
            return self.identifier().lower()
        raise self.error("a partition value (a quoted string or a number)")

    def is_type(self, ahead: int, tt: TokenType) -> bool:
        tk = self.peek(ahead)
        return tk is not None and tk.token_type == tt

    def partition_spec(self) -> PartitionSpec:
        """``PARTITION (k=v, …)`` (the PARTITION keyword already read)."""
        self.expect_type(TokenType.L_PAREN, "'('")
        out = []
        while True:
            key = self.identifier("a partition column name")
            self.expect_type(TokenType.EQ, "'='")
            out.append((key, self.literal()))
            if not self.accept_type(TokenType.COMMA):
                break
        self.expect_type(TokenType.R_PAREN, "')'")
        return tuple(out)

    def type_text(self, stops: tuple[str, ...]) -> str:
        """The tokens of a column type up to a top-level ',' or ')' or a stop keyword."""
        parts: list[str] = []
        depth = 0
        while True:
            tk = self.peek()
            if tk is None:
                break
            tt = tk.token_type
            if depth == 0 and (tt in (TokenType.COMMA, TokenType.R_PAREN) or self.word() in stops):
                break
            if tt in (TokenType.LT, TokenType.L_PAREN):
                depth += 1
            elif tt in (TokenType.GT, TokenType.R_PAREN):
                depth -= 1
            parts.append(f"`{tk.text}`" if tt == TokenType.IDENTIFIER else tk.text)
            self.i += 1
        if not parts:
            raise self.error("a column type")
        return " ".join(parts)

    def column_def(self, stops: tuple[str, ...] = ("COMMENT",)) -> Column:
        name = self.identifier("a column name")
        start = self.peek()
        text = self.type_text(stops)
        try:
            ctype = hive_type(parse_type(text))
        except Exception as e:
            raise ParseError(
                f"Unknown type '{text}' for column '{name}'.",
                line=start.line if start else 1,
                column=self.column(start) if start else 1,
            ) from e
        comment = self.string("a comment") if self.accept("COMMENT") else None
        return Column(name, ctype, comment)

    def column_defs(self) -> tuple[Column, ...]:
        self.expect_type(TokenType.L_PAREN, "'('")
        out = [self.column_def()]
        while self.accept_type(TokenType.COMMA):
            out.append(self.column_def())
        self.expect_type(TokenType.R_PAREN, "')'")
        return tuple(out)


# -- statements ----------------------------------------------------------------------------


def _create(c: _Cursor) -> HiveStatement | None:
    if c.accept("CREATE", "DATABASE") or c.accept("CREATE", "SCHEMA"):
        if_not_exists = c.accept("IF", "NOT", "EXISTS")
        name = c.identifier("a database name")
        comment = location = None
        props: dict[str, str] = {}
        while not c.at_end():
            if c.accept("COMMENT"):
                comment = c.string()
            elif c.accept("LOCATION"):
                location = c.string("a location")
            elif c.accept("WITH", "DBPROPERTIES"):
                props = c.properties()
            else:
                raise c.error("COMMENT, LOCATION or WITH DBPROPERTIES")
        return CreateDatabase(name, if_not_exists, comment, location, props)
    for words, what in (
        (("CREATE", "TEMPORARY", "MACRO"), "CREATE TEMPORARY MACRO"),
        (("CREATE", "INDEX"), "CREATE INDEX"),
        (("CREATE", "ROLE"), "CREATE ROLE"),
    ):
        if c.words(len(words)) == words:
            raise _unsupported(what)
    if _is_create_table_like(c):
        raise _unsupported("CREATE TABLE LIKE")
    return None


def _is_create_table_like(c: _Cursor) -> bool:
    j = 1
    if c.word(j) == "EXTERNAL":
        j += 1
    if c.word(j) != "TABLE":
        return False
    j += 1
    if c.words(j + 3)[j:] == ("IF", "NOT", "EXISTS"):
        j += 3
    j += 3 if c.is_type(j + 1, TokenType.DOT) else 1
    return c.word(j) == "LIKE"


_SHOW_UNSUPPORTED = (("CURRENT", "ROLES"), ("ROLE", "GRANT"))


def _show(c: _Cursor) -> HiveStatement:
    c.expect("SHOW")
    if c.accept("DATABASES") or c.accept("SCHEMAS"):
        pattern = c.string("a pattern") if c.accept("LIKE") else None
        c.end()
        return ShowDatabases(pattern)
    if c.accept("TABLES") or c.accept("VIEWS"):
        views = c.tokens[c.i - 1].text.upper() == "VIEWS"
        db = c.identifier("a database name") if (c.accept("IN") or c.accept("FROM")) else None
        like = c.accept("LIKE")
        pattern = c.string("a pattern") if (like or not c.at_end()) else None
        c.end()
        return ShowViews(db, pattern) if views else ShowTables(db, pattern)
    if c.accept("COLUMNS"):
        if not (c.accept("FROM") or c.accept("IN")):
            raise c.error("FROM or IN")
        table = c.table_name()
        if c.accept("FROM") or c.accept("IN"):
            table = TableName(c.identifier("a database name"), table.name)
        c.end()
        return ShowColumns(table)
    if c.accept("CREATE", "TABLE"):
        table = c.table_name()
        c.end()
        return ShowCreateTable(table)
    if c.accept("CREATE", "VIEW"):
        table = c.table_name()
        c.end()
        return ShowCreateView(table)
    if c.accept("TBLPROPERTIES"):
        table = c.table_name()
        key = None
        if c.accept_type(TokenType.L_PAREN):
            key = c.string("a property name")
            c.expect_type(TokenType.R_PAREN, "')'")
        c.end()
        return ShowTblProperties(table, key)
    if c.accept("PARTITIONS"):
        table = c.table_name()
        spec = c.partition_spec() if c.accept("PARTITION") else None
        c.end()
        return ShowPartitions(table, spec)
    for words in _SHOW_UNSUPPORTED:
        if c.words(len(words)) == words:
            raise _unsupported(" ".join(("SHOW", *words)))
    raise _unsupported(f"SHOW {c.word()}".strip())


def _describe(c: _Cursor) -> HiveStatement | None:
    if c.word(1) in ("INPUT", "OUTPUT"):
        return None  # DESCRIBE INPUT/OUTPUT of prepared statements
    c.i += 1
    if c.word() in ("DATABASE", "SCHEMA"):
        raise _unsupported(f"DESCRIBE {c.word()}")
    if c.word() == "VIEW" and c.peek(1) is not None:
        c.i += 1  # Athena's DESCRIBE VIEW v: a view's columns, as DESCRIBE v
    style = None
    if c.word() in ("EXTENDED", "FORMATTED") and c.peek(1) is not None:
        style = c.identifier().upper()
    table = c.table_name()
    spec = c.partition_spec() if c.accept("PARTITION") else None
    column: list[str] = []
    if not c.at_end():
        column.append(c.identifier("a column name"))
        while c.accept_type(TokenType.DOT):
            tk = c.accept_type(TokenType.STRING)
            column.append(tk.text if tk is not None else c.identifier("a field name"))
    c.end()
    return Describe(table, style, spec, tuple(column))


_ALTER_TABLE_UNSUPPORTED = (
    (("ARCHIVE",), "ALTER TABLE ARCHIVE PARTITION"),
    (("UNARCHIVE",), "ALTER TABLE UNARCHIVE PARTITION"),
    (("EXCHANGE",), "ALTER TABLE EXCHANGE PARTITION"),
    (("CLUSTERED",), "ALTER TABLE CLUSTERED BY"),
    (("NOT", "CLUSTERED"), "ALTER TABLE NOT CLUSTERED"),
    (("NOT", "SKEWED"), "ALTER TABLE NOT SKEWED"),
    (("NOT", "SORTED"), "ALTER TABLE NOT SORTED"),
    (("NOT", "STORED"), "ALTER TABLE NOT STORED AS DIRECTORIES"),
    (("SKEWED",), "ALTER TABLE SKEWED BY"),
    (("SET", "SKEWED"), "ALTER TABLE SET SKEWED LOCATION"),
    (("SET", "SERDEPROPERTIES"), "ALTER TABLE SET SERDEPROPERTIES"),
    (("SET", "SERDE"), "ALTER TABLE SET SERDE"),
    (("SET", "FILEFORMAT"), "ALTER TABLE SET FILEFORMAT"),
    (("TOUCH",), "ALTER TABLE TOUCH"),
    (("COMPACT",), "ALTER TABLE COMPACT"),
    (("CONCATENATE",), "ALTER TABLE CONCATENATE"),
    (("ENABLE",), "ALTER TABLE ENABLE"),
    (("DISABLE",), "ALTER TABLE DISABLE"),
    (("UPDATE", "COLUMNS"), "ALTER TABLE UPDATE COLUMNS"),
)


def _alter(c: _Cursor) -> HiveStatement | None:
    if c.accept("ALTER", "DATABASE") or c.accept("ALTER", "SCHEMA"):
        name = c.identifier("a database name")
        if c.word() == "SET" and c.word(1) in ("LOCATION", "OWNER"):
            raise _unsupported(f"ALTER DATABASE SET {c.word(1)}")
        c.expect("SET", "DBPROPERTIES")
        props = c.properties()
        c.end()
        return AlterDatabase(name, props)
    if c.words(2) == ("ALTER", "INDEX"):
        raise _unsupported("ALTER INDEX")
    if not c.accept("ALTER", "TABLE"):
        return None
    table = c.table_name()
    return _alter_table(c, table)


def _alter_table(c: _Cursor, table: TableName) -> HiveStatement:
    spec = None
    if c.accept("PARTITION"):
        spec = c.partition_spec()
    for words, what in _ALTER_TABLE_UNSUPPORTED:
        if c.words(len(words)) == words:
            raise _unsupported(what)
    if spec is not None and c.word() in ("CHANGE", "RENAME") and c.word(1) != "TO":
        raise _unsupported("ALTER TABLE PARTITION CHANGE COLUMN")
    out: HiveStatement
    if c.accept("ADD", "COLUMNS"):
        out = AddColumns(table, c.column_defs(), spec)
    elif c.accept("REPLACE", "COLUMNS"):
        out = ReplaceColumns(table, c.column_defs(), spec)
    elif c.accept("SET", "LOCATION"):
        out = SetLocation(table, c.string("a location"), spec)
    elif spec is not None and c.accept("RENAME", "TO", "PARTITION"):
        out = RenamePartition(table, spec, c.partition_spec())
    elif spec is not None:
        raise c.error("RENAME TO PARTITION, SET LOCATION, ADD COLUMNS or REPLACE COLUMNS")
    elif c.accept("ADD"):
        if_not_exists = c.accept("IF", "NOT", "EXISTS")
        parts = []
        while c.accept("PARTITION"):
            pspec = c.partition_spec()
            parts.append((pspec, c.string("a location") if c.accept("LOCATION") else None))
        if not parts:
            raise c.error("PARTITION or COLUMNS")
        out = AddPartitions(table, tuple(parts), if_not_exists)
    elif c.accept("DROP", "COLUMN") or (
        c.word() == "DROP" and c.word(1) not in ("IF", "PARTITION")
    ):
        c.accept("DROP")
        out = DropColumn(table, c.identifier("a column name"))
    elif c.accept("DROP"):
        if_exists = c.accept("IF", "EXISTS")
        c.expect("PARTITION")
        specs = [c.partition_spec()]
        while c.accept_type(TokenType.COMMA):
            c.expect("PARTITION")
            specs.append(c.partition_spec())
        c.accept("PURGE")
        out = DropPartitions(table, tuple(specs), if_exists)
    elif c.accept("CHANGE"):
        c.accept("COLUMN")
        old = c.identifier("a column name")
        column = c.column_def(stops=("COMMENT", "FIRST", "AFTER", "CASCADE", "RESTRICT"))
        first = c.accept("FIRST")
        after = c.identifier("a column name") if (not first and c.accept("AFTER")) else None
        if c.accept("CASCADE") or c.accept("RESTRICT"):
            pass
        out = ChangeColumn(table, old, column, first, after)
    elif c.accept("SET", "TBLPROPERTIES"):
        out = SetTblProperties(table, c.properties())
    elif c.accept("UNSET", "TBLPROPERTIES"):
        if_exists = c.accept("IF", "EXISTS")
        out = UnsetTblProperties(table, c.string_list(), if_exists)
    elif c.accept("RENAME", "TO"):
        out = RenameTable(table, c.table_name())
    else:
        raise c.error(
            "ADD, DROP, PARTITION, CHANGE, ADD COLUMNS, REPLACE COLUMNS, SET or RENAME TO"
        )
    c.end()
    return out


_UNSUPPORTED_PREFIXES = (
    (("START", "TRANSACTION"), "START TRANSACTION"),
    (("COMMIT",), "COMMIT"),
    (("ROLLBACK",), "ROLLBACK"),
    (("DROP", "INDEX"), "DROP INDEX"),
    (("DROP", "ROLE"), "DROP ROLE"),
    (("DROP", "TEMPORARY", "MACRO"), "DROP TEMPORARY MACRO"),
    (("GRANT", "ROLE"), "GRANT ROLE"),
    (("REVOKE", "ROLE"), "REVOKE ROLE"),
    (("LOCK",), "LOCK"),
    (("UNLOCK",), "UNLOCK"),
    (("DFS",), "DFS"),
    (("EXPORT", "TABLE"), "EXPORT TABLE"),
    (("IMPORT",), "IMPORT TABLE"),
    (("SET", "ROLE"), "SET ROLE"),
)


def _statement(c: _Cursor) -> HiveStatement | None:
    for words, what in _UNSUPPORTED_PREFIXES:
        if c.words(len(words)) == words:
            raise _unsupported(what)
    first = c.word()
    if first == "CREATE":
        return _create(c)
    if first == "ALTER":
        return _alter(c)
    if first == "SHOW":
        return _show(c)
    if first in ("DESCRIBE", "DESC"):
        return _describe(c)
    if c.accept("MSCK"):
        c.expect("REPAIR", "TABLE")
        table = c.table_name()
        c.end()
        return MsckRepair(table)
    return None


_FIRST_WORDS = {
    "CREATE",
    "ALTER",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "MSCK",
    "START",
    "COMMIT",
    "ROLLBACK",
    "DROP",
    "GRANT",
    "REVOKE",
    "LOCK",
    "UNLOCK",
    "DFS",
    "EXPORT",
    "IMPORT",
    "SET",
}


def parse(text: str) -> HiveStatement | None:
    """Parse a Hive utility/DDL statement, or return None when the text is not one.

    Raises:
        ParseError: the statement is one of these but its syntax is wrong (line, column).
        NotSupportedError: Athena does not support the statement.
    """
    head = text.lstrip()[:16].split(None, 1)
    if head and head[0].upper() not in _FIRST_WORDS and not head[0].startswith(("-", "/")):
        return None  # cheap exit: queries are not tokenized twice
    try:
        tokens = _Tokenizer().tokenize(text)
    except TokenError:
        return None  # let sqlglot report it
    cursor = _Cursor(text, tokens)
    if cursor.at_end():
        return None
    return _statement(cursor)
