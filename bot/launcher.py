"""One command for the whole local system: `.venv/bin/python -m bot.launcher [--servers N]`.

The single-machine layout is `bot.stack.Stack`; `--servers N` runs the scaled one (`bot.scaled.ScaledStack`:
N Rasa and N action servers behind HAProxy, docs/scaling.md). This module only parses the command line, starts
the chosen stack, keeps it supervised and stops it on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import time
from types import FrameType

from bot.processes import StackError
from bot.scaled import ScaledPorts, ScaledStack
from bot.stack import RASA_BIN, Ports, Stack
from bot.supervisor import ComponentFailed, RestartPolicy


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bot.launcher", description="Start the whole 稳就业 assistant locally.")
    p.add_argument("--workdir", default="var", help="runtime folder (db, spool, tracker, logs); default var/")
    p.add_argument("--rasa-port", type=int, default=5005)
    p.add_argument("--actions-port", type=int, default=5055)
    p.add_argument("--web-port", type=int, default=8000)
    p.add_argument("--no-train", action="store_true", help="never train; use the newest model in models/")
    p.add_argument("--rasa-url", help="use a Rasa server already running at this URL (no actions/rasa started)")
    p.add_argument(
        "--max-restarts",
        type=int,
        default=RestartPolicy.max_failures,
        help="stop everything when one component fails this often within 10 minutes (default %(default)s)",
    )
    p.add_argument("--restart-delay", type=float, default=RestartPolicy.first_delay, help=argparse.SUPPRESS)
    p.add_argument(
        "--servers",
        type=int,
        default=0,
        metavar="N",
        help="the scaled layout: N Rasa and N action servers behind HAProxy on PostgreSQL and Redis "
        "(DATABASE_URL, REDIS_HOST; docs/scaling.md); --rasa-port is then the load balancer's",
    )
    return p.parse_args(argv)


def make_stack(args: argparse.Namespace) -> Stack:
    if args.servers:
        ports = ScaledPorts.numbered(args.servers, web=args.web_port, balancer=args.rasa_port)
        workdir = "var/scaled" if args.workdir == "var" else args.workdir
        return ScaledStack(args.servers, ports, workdir, train=not args.no_train)
    return Stack(
        Ports(rasa=args.rasa_port, actions=args.actions_port, web=args.web_port),
        args.workdir,
        rasa_url=args.rasa_url,
        train=not args.no_train,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        stack = make_stack(args)
    except StackError as exc:
        print(f"启动失败：{exc}", flush=True)
        return 1
    code = 0
    try:
        if stack.train and not RASA_BIN.exists():
            raise StackError(f"no Rasa environment at {RASA_BIN.parent.parent} (run scripts/setup)")
        stack.start()
        stack.say(stack.banner())
        supervisor = stack.supervisor(RestartPolicy(first_delay=args.restart_delay, max_failures=args.max_restarts))
        while True:
            supervisor.tick()
            time.sleep(0.5)
    except (KeyboardInterrupt, _Stop):
        stack.say("\n正在停止…")
    except ComponentFailed as exc:
        stack.say(f"服务无法恢复：{exc}\n日志见 {stack.log_dir}/。正在停止其余服务。")
        code = 1
    except StackError as exc:
        stack.say(f"启动失败：{exc}")
        code = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stack.say("已全部停止。")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
