"""A click command that speaks Chinese: help frame, usage line, usage errors, option conflicts.

Only public click API is used: a :class:`click.Command` subclass that writes its own help
(usage line "用法：", sections, examples) and overrides :meth:`main` to turn every
:class:`click.UsageError` into a Chinese message on stderr (exit 2), so the command behaves the
same when run from the console script and from ``click.testing.CliRunner``.

Options are declared with :func:`option`, which adds two things to ``click.option``:

- ``section``: the heading the option is listed under in ``--help``;
- ``modes``: what the option is meant for (``build``, ``check``, ``template``, ``dump`` …).
  Given in another mode, it is refused with a message instead of being silently ignored.

Option values are converted with the types of this module (Chinese messages); a click
built-in type would answer in English.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import click
from click.core import ParameterSource

PROG = "juesuan-gen"

# What each mode is called in messages: the option that selects it, or a description.
MODE_NAMES: dict[str, str] = {
    "build": "生成文件",
    "check": "--check",
    "template": "--template",
    "dump": "--dump-json",
    "consolidate": "--consolidate",
}

ALL_MODES = frozenset(MODE_NAMES)


class SectionOption(click.Option):
    """An option with a help section and the modes it belongs to."""

    def __init__(self, *args: Any, section: str = "其他选项", modes: Iterable[str] = ALL_MODES, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.section = section
        self.modes = frozenset(modes)


def option(*decls: str, section: str = "其他选项", modes: Iterable[str] = ALL_MODES, **kwargs: Any):
    """``click.option`` with ``section`` and ``modes`` (see the module docstring)."""
    return click.option(*decls, cls=SectionOption, section=section, modes=modes, **kwargs)


# ---------------------------------------------------------------------------- value types


class Count(click.ParamType):
    """A whole number not below ``minimum``."""

    name = "整数"

    def __init__(self, minimum: int = 1):
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"应为不小于 {self.minimum} 的整数，实为“{value}”", param, ctx)
        if number < self.minimum:
            self.fail(f"应为不小于 {self.minimum} 的整数，实为“{value}”", param, ctx)
        return number


class PathText(click.ParamType):
    """A path, as given (checked where it is used, with a Chinese message)."""

    name = "路径"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        from pathlib import Path

        return value if isinstance(value, Path) else Path(value)


# ---------------------------------------------------------------------------- help


def width(text: str) -> int:
    """Display width on a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _names(param: click.Option) -> str:
    names = ", ".join(sorted(param.opts, key=lambda o: (o.startswith("--"), o)))
    if not param.is_flag and param.metavar:
        names += f" {param.metavar}"
    return names


class ChineseCommand(click.Command):
    """The one command of the program, with a Chinese help frame and Chinese usage errors."""

    def __init__(self, *args: Any, usage_args: str = "", examples: str = "",
                 sections: Sequence[str] = (), **kwargs: Any):
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(*args, **kwargs)
        self.usage_args = usage_args
        self.examples = examples
        self.section_order = list(sections)

    # -- help ---------------------------------------------------------------

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示此帮助并退出"
        return opt

    def usage_line(self, ctx: click.Context) -> str:
        return f"用法：{ctx.command_path} {self.usage_args}".rstrip()

    def get_usage(self, ctx: click.Context) -> str:
        return self.usage_line(ctx)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write(self.usage_line(ctx) + "\n")
        if self.help:
            formatter.write("\n" + self.help.strip() + "\n")
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            if not isinstance(param, click.Option) or param.hidden:
                continue
            section = getattr(param, "section", "其他选项")
            sections.setdefault(section, []).append((_names(param), param.help or ""))
        order = [s for s in self.section_order if s in sections] + [
            s for s in sections if s not in self.section_order
        ]
        column = min(max((width(n) for rows in sections.values() for n, _ in rows), default=0), 28) + 4
        for title in order:
            formatter.write(f"\n{title}：\n")
            rows = sections[title]
            for names, text in rows:
                if width(names) + 4 > column:
                    formatter.write(f"  {names}\n{' ' * column}{text}\n")
                else:
                    formatter.write(f"  {names}{' ' * (column - 2 - width(names))}{text}\n")
        if self.examples:
            formatter.write("\n" + self.examples.strip("\n") + "\n")

    # -- running and usage errors ---------------------------------------------

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> NoReturn:
        """Run; usage errors in Chinese on stderr (exit 2); exit with the command's code."""
        try:
            code = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            ctx = exc.ctx
            usage = self.usage_line(ctx) if ctx is not None else f"用法：{PROG} {self.usage_args}"
            click.echo(usage, err=True)
            click.echo(f"错误：{usage_message(exc, self)}", err=True)
            click.echo(f"用 {PROG} --help 查看全部选项和示例。", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except click.ClickException as exc:  # not raised by this program; said in its words
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def _find_option(command: click.Command, name: str | None) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def usage_message(exc: click.UsageError, command: click.Command) -> str:
    """The Chinese sentence for a usage error raised by click's parser or a value type."""
    if isinstance(exc, click.NoSuchOption):
        message = f"没有这个选项：{exc.option_name}"
        if exc.possibilities:
            message += f"，您是否要用 {exc.possibilities[0]}？"
        return message
    if isinstance(exc, click.BadOptionUsage):
        opt = _find_option(command, exc.option_name)
        if opt is not None and opt.is_flag:
            return f"选项 {exc.option_name} 后面不带值"
        metavar = f"（{opt.metavar}）" if opt is not None and opt.metavar else ""
        return f"选项 {exc.option_name} 后面应写一个值{metavar}"
    if isinstance(exc, click.BadParameter):
        param = exc.param
        name = param.opts[-1] if isinstance(param, click.Option) and param.opts else (exc.param_hint or "")
        return f"选项 {name} 的值不对：{exc.message}"
    if isinstance(exc, click.MissingParameter):
        return f"缺少 {exc.param_hint or '参数'}"
    if isinstance(exc, click.BadArgumentUsage):
        return f"参数不对：{exc.message}"
    return exc.message


# ---------------------------------------------------------------------------- conflicts


def given(ctx: click.Context, name: str) -> bool:
    """True when the user wrote the option (not its default)."""
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def refuse_out_of_mode(ctx: click.Context, mode: str, mode_option: str | None) -> None:
    """Raise a usage error for the first option given that does not belong to ``mode``."""
    for param in ctx.command.get_params(ctx):
        modes = getattr(param, "modes", ALL_MODES)
        if mode in modes or param.name is None or not given(ctx, param.name):
            continue
        opt = param.opts[-1] if param.opts else param.name
        meant = [MODE_NAMES[m] for m in MODE_NAMES if m in modes]
        flags = [m for m in meant if m.startswith("--")]
        if mode_option is None and flags:
            raise click.UsageError(f"选项 {opt} 只能与 {' 或 '.join(flags)} 同用", ctx)
        raise click.UsageError(f"选项 {opt} 只用于{'、'.join(meant)}，不能与 {mode_option or '生成文件'} 同用", ctx)


def refuse(ctx: click.Context, message: str) -> NoReturn:
    raise click.UsageError(message, ctx)

