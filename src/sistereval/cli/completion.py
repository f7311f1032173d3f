"""``sistereval completion bash|zsh|fish``: a shell completion script, written from
the command line's own parser (so it never falls behind a new command or option)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, NamedTuple

from .common import OK, Commands

__all__ = ["SHELLS", "declare", "script"]

SHELLS = ("bash", "zsh", "fish")


def declare(commands: Commands) -> None:
    parser = commands.add_parser(
        "completion",
        help="print a shell completion script for bash, zsh or fish",
        description="Print a completion script for SHELL. bash: "
        "'sistereval completion bash > ~/.local/share/bash-completion/completions/sistereval'; "
        "zsh: 'sistereval completion zsh > ~/.zfunc/_sistereval' with 'fpath+=~/.zfunc' "
        "before 'compinit' in ~/.zshrc; fish: 'sistereval completion fish > "
        "~/.config/fish/completions/sistereval.fish'. Or, for the running shell only: "
        "'source <(sistereval completion bash)'.",
    )
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    parser.set_defaults(handler=_completion)


def _completion(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .main import _parser  # the whole command line: every command declared

    stdout.write(script(args.shell, _parser()))
    return OK


# --------------------------------------------------------------------------
# What a shell needs to know, read off argparse.


class Option(NamedTuple):
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]  # the values it takes, when it names them
    files: bool  # its value is a file (or a name): complete file names


class Command(NamedTuple):
    name: str
    help: str
    options: tuple[Option, ...]
    choices: tuple[str, ...]  # the words its positionals take, when they name them
    files: bool  # its positionals are files


#: Values that are numbers or free text, not files.
_NOT_FILES = re.compile(r"N|S|PCT|ID|PATH=VALUE|SCHEMA")


def _help(text: str | None) -> str:
    """A one-line description: the help's first clause, without characters the
    scripts quote specially."""
    first = re.split(r"[;(]| \(|\. ", text or "")[0].strip().rstrip(".")
    return re.sub(r"[\[\]:'\"`$\\]", " ", first).strip()[:70]


def _options(parser: argparse.ArgumentParser) -> tuple[Option, ...]:
    found = []
    for action in parser._actions:
        if not action.option_strings:
            continue
        takes_value = action.nargs != 0
        choices = tuple(str(c) for c in action.choices or ())
        metavar = str(action.metavar or "")
        files = takes_value and not choices and not _NOT_FILES.fullmatch(metavar)
        shown = action.help != argparse.SUPPRESS
        help_text = _help(action.help if shown else "") or "print the traceback of a bug"
        found.append(Option(tuple(action.option_strings), help_text, takes_value, choices, files))
    return tuple(found)


def _commands(parser: argparse.ArgumentParser) -> tuple[Command, ...]:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    found = []
    for name, sub in subparsers.choices.items():
        positionals = [a for a in sub._actions if not a.option_strings]
        choices: tuple[str, ...] = ()
        files = False
        for action in positionals:
            if isinstance(action, argparse._SubParsersAction):
                choices += tuple(action.choices)
            elif action.choices:
                choices += tuple(str(c) for c in action.choices)
            else:
                files = files or not _NOT_FILES.fullmatch(str(action.metavar or ""))
        found.append(Command(name, _help(helps.get(name)), _options(sub), choices, files))
    return tuple(found)


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`) of ``parser``."""
    writers: Mapping[str, Callable[[Sequence[Option], Sequence[Command]], Iterator[str]]] = {
        "bash": _bash,
        "zsh": _zsh,
        "fish": _fish,
    }
    lines = writers[shell](_options(parser), _commands(parser))
    return "".join(f"{line}\n" for line in lines)


def _words(items: Sequence[str]) -> str:
    return " ".join(items)


def _bash(top: Sequence[Option], commands: Sequence[Command]) -> Iterator[str]:
    yield "# bash completion for sistereval: sistereval completion bash"
    yield "_sistereval() {"
    yield '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"'
    yield '    local cmd="" i'
    yield "    for ((i = 1; i < COMP_CWORD; i++)); do"
    yield '        if [[ "${COMP_WORDS[i]}" != -* ]]; then cmd="${COMP_WORDS[i]}"; break; fi'
    yield "    done"
    yield '    case "$cmd" in'
    flags = [flag for option in top for flag in option.flags]
    yield "        '')"
    yield f'            COMPREPLY=($(compgen -W "{_words([c.name for c in commands])}" -- "$cur"))'
    yield '            if [[ "$cur" == -* ]]; then'
    yield f'                COMPREPLY=($(compgen -W "{_words(flags)}" -- "$cur"))'
    yield "            fi"
    yield "            return ;;"
    for command in commands:
        yield f"        {command.name})"
        yield '            case "$prev" in'
        for option in command.options:
            if not option.takes_value:
                continue
            if option.choices:
                action = f'COMPREPLY=($(compgen -W "{_words(option.choices)}" -- "$cur"))'
            elif option.files:
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                action = "COMPREPLY=()"
            yield f"                {'|'.join(option.flags)}) {action}; return ;;"
        yield "            esac"
        flags = [flag for option in command.options for flag in option.flags]
        yield '            if [[ "$cur" == -* ]]; then'
        yield f'                COMPREPLY=($(compgen -W "{_words(flags)}" -- "$cur"))'
        if command.choices:
            yield "            else"
            yield f'                COMPREPLY=($(compgen -W "{_words(command.choices)}" -- "$cur"))'
        elif command.files:
            yield "            else"
            yield '                COMPREPLY=($(compgen -f -- "$cur"))'
        yield "            fi"
        yield "            ;;"
    yield "    esac"
    yield "}"
    yield "complete -o filenames -o bashdefault -F _sistereval sistereval"


def _zsh_spec(option: Option) -> str:
    names = option.flags[0] if len(option.flags) == 1 else "{" + ",".join(option.flags) + "}"
    spec = f"{names}[{option.help}]"
    if option.takes_value:
        if option.choices:
            spec += f":value:({' '.join(option.choices)})"
        elif option.files:
            spec += ":file:_files"
        else:
            spec += ":value: "
    return f"'{spec}'" if len(option.flags) == 1 else spec.replace("[", "'[", 1) + "'"


def _zsh(top: Sequence[Option], commands: Sequence[Command]) -> Iterator[str]:
    yield "#compdef sistereval"
    yield "# zsh completion for sistereval: sistereval completion zsh"
    yield "_sistereval() {"
    yield "    local -a commands"
    yield "    commands=("
    for command in commands:
        yield f"        '{command.name}:{command.help}'"
    yield "    )"
    yield "    local i cmd=''"
    yield "    for (( i = 2; i < CURRENT; i++ )); do"
    yield "        if [[ ${words[i]} != -* ]]; then cmd=${words[i]}; break; fi"
    yield "    done"
    yield "    if [[ -z $cmd ]]; then"
    yield "        if [[ ${words[CURRENT]} == -* ]]; then"
    yield "            _arguments " + " ".join(_zsh_spec(o) for o in top)
    yield "        else"
    yield "            _describe -t commands 'sistereval command' commands"
    yield "        fi"
    yield "        return"
    yield "    fi"
    yield "    words=(${words[i,-1]})"
    yield "    (( CURRENT -= i - 1 ))"
    yield "    case $cmd in"
    for command in commands:
        specs = [_zsh_spec(o) for o in command.options]
        if command.choices:
            specs.append(f"'*:word:({' '.join(command.choices)})'")
        elif command.files:
            specs.append("'*:file:_files'")
        yield f"        {command.name})"
        yield "            _arguments -S " + " ".join(specs) + " ;;"
    yield "    esac"
    yield "}"
    yield 'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then'
    yield '    _sistereval "$@"'
    yield "else"
    yield "    compdef _sistereval sistereval"
    yield "fi"


def _fish_option(condition: str, option: Option) -> str:
    parts = [f"complete -c sistereval -n '{condition}'"]
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.takes_value:
        if option.choices:
            parts.append(f"-x -a '{' '.join(option.choices)}'")
        elif option.files:
            parts.append("-r -F")
        else:
            parts.append("-x")
    parts.append(f"-d '{option.help}'")
    return " ".join(parts)


def _fish(top: Sequence[Option], commands: Sequence[Command]) -> Iterator[str]:
    yield "# fish completion for sistereval: sistereval completion fish"
    yield "complete -c sistereval -f"
    for command in commands:
        yield (
            f"complete -c sistereval -n '__fish_use_subcommand' -a {command.name} "
            f"-d '{command.help}'"
        )
    for option in top:
        yield _fish_option("__fish_use_subcommand", option)
    for command in commands:
        condition = f"__fish_seen_subcommand_from {command.name}"
        for option in command.options:
            yield _fish_option(condition, option)
        if command.choices:
            yield f"complete -c sistereval -n '{condition}' -a '{' '.join(command.choices)}'"
        elif command.files:
            yield f"complete -c sistereval -n '{condition}' -F"
