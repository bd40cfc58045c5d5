"""A deterministic OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

A real HTTP server (stdlib, one thread per connection) that inspect's `openai-api` provider
talks to. It knows the bundled tasks' datasets, so for each question it knows the right
answer; whether a model answers it right is a pure function of (model, condition, the
question's position in its dataset), so every run of the same spec gets the same scores:

  correct  iff  floor((i + 1) * acc) > floor(i * acc)     (i: 0-based position)

which makes exactly floor(n * acc) of any first n questions right. The condition is read from
what the solver did (tools offered, the chain-of-thought prompt), as a real model would see it.
Under `tools` the model first calls the calculator and then answers with what it returned.

Every answered request is recorded (`records`), so tests can check that the logs hold exactly
what was served. Options: per-request latency, failing after N answers (an endpoint that goes
down half-way), holding requests after N answers until released, naming another model in
responses, a `system_fingerprint`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from resolvers import evals

TOOL_RESULT = re.compile(r"-?\d+(?:\.\d+)?")


def correct(index: int, accuracy: float) -> bool:
    return math.floor((index + 1) * accuracy + 1e-9) > math.floor(index * accuracy + 1e-9)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog, read when the constructor calls listen(): a client opening 64
    # connections at once overflows the default 5, and every dropped SYN costs the client
    # a 1 s retransmit (it made runs of a few samples take 0.4 s or 1.4 s at random).
    request_queue_size = 256


@dataclass
class StubConfig:
    accuracy: dict[str, dict[str, float]]  # model -> condition -> fraction right
    latency: float = 0.0
    fail_after: int | None = None  # answer 503 to every chat request after this many
    # Hold every chat request after this many answers until `release()`: a run that is
    # certainly mid-way however fast or slow the machine is.
    hold_after: int | None = None
    reported_model: str | None = None  # name this model in responses instead of the asked one
    fingerprint: str | None = "fp_crux_stub"
    models: list[str] = field(default_factory=list)  # /v1/models; defaults to accuracy's keys


class StubServer:
    def __init__(self, config: StubConfig):
        self.config = config
        self.records: list[dict] = []
        self.lock = threading.Lock()
        self.answered = 0
        self.released = threading.Event()
        self.questions: dict[str, tuple[str, int, str]] = {}
        self.expressions: dict[str, str] = {}
        for name in evals.task_names():
            for index, row in enumerate(evals.rows(name)):
                self.questions[row["input"]] = (name, index, row["target"])
                self.expressions[row["input"]] = row.get("expression") or _expression(
                    row["input"])
        self.httpd = _Server(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self) -> None:
        """Answer the requests `hold_after` holds, and every later one."""
        self.released.set()

    # --- answering ---------------------------------------------------------------------------
    def answer(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            held = self.config.hold_after is not None and self.answered >= self.config.hold_after
        if held:
            self.released.wait(120)
        with self.lock:
            if self.config.fail_after is not None and self.answered >= self.config.fail_after:
                return 503, {"error": {"message": "the model server is down",
                                       "type": "server_error"}}
            self.answered += 1
        model = str(body.get("model", ""))
        messages = body.get("messages") or []
        user = next((m for m in messages if m.get("role") == "user"), {})
        prompt = _text(user.get("content"))
        question = next((q for q in self.questions if q in prompt), None)
        if question is None:
            return 400, {"error": {"message": "unknown question", "type": "invalid_request"}}
        task, index, target = self.questions[question]
        if body.get("tools"):
            condition = "tools"
        elif "step-by-step" in prompt:
            condition = "cot"
        else:
            condition = "snap"
        accuracy = self.config.accuracy.get(model, {}).get(condition, 0.0)
        right = correct(index, accuracy)
        tool_result = next((_text(m.get("content")) for m in messages
                            if m.get("role") == "tool"), None)
        record = {"model": model, "task": task, "index": index, "condition": condition,
                  "correct": right, "pid": os.getpid(), "time": time.time(), "kind": "answer"}
        if condition == "tools" and tool_result is None:
            record["kind"] = "tool_call"
            message = {"role": "assistant", "content": "", "tool_calls": [{
                "id": f"call_{index}", "type": "function",
                "function": {"name": "calculator",
                             "arguments": json.dumps({"expression": self.expressions[question]})}}]}
            finish = "tool_calls"
        else:
            if condition == "tools" and tool_result is not None:
                found = TOOL_RESULT.findall(tool_result)
                value = found[-1] if found else target
                answer = value if right else str(int(float(value)) + 1)
            else:
                answer = target if right else str(int(target) + 1)
            content = (f"Step by step: working it out.\nANSWER: {answer}"
                       if condition == "cot" else answer)
            message = {"role": "assistant", "content": content}
            finish = "stop"
        with self.lock:
            self.records.append(record)
        prompt_tokens = len(prompt.split()) + 10
        completion_tokens = len(_text(message.get("content")).split()) + 1
        return 200, {
            "id": f"chatcmpl-{index}", "object": "chat.completion", "created": int(time.time()),
            "model": self.config.reported_model or model,
            **({"system_fingerprint": self.config.fingerprint}
               if self.config.fingerprint else {}),
            "choices": [{"index": 0, "message": message, "finish_reason": finish,
                         "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }

    def answers(self, *, model: str | None = None, condition: str | None = None) -> list[dict]:
        """Final answers served (not tool calls), optionally for one model and condition."""
        with self.lock:
            return [r for r in self.records if r["kind"] == "answer"
                    and model in (None, r["model"]) and condition in (None, r["condition"])]


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _expression(question: str) -> str:
    # Arithmetic questions read "What is A + B?"; word problems carry their expression.
    numbers = re.findall(r"\d+", question)
    return " + ".join(numbers[:2])


def _handler(stub: StubServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as clients expect of a model server

        def log_message(self, *args) -> None:  # quiet: tests read records, not access logs
            pass

        def handle(self) -> None:
            # A client that hangs up (a cancelled or killed run) is not the stub's error.
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                super().handle()

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # The client may have given up (a cancelled run): nothing left to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/") == "/v1/models":
                names = stub.config.models or list(stub.config.accuracy)
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "owned_by": "crux-stub"} for m in names]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"error": {"message": "bad JSON"}})
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            if stub.config.latency:
                time.sleep(stub.config.latency)
            status, payload = stub.answer(body)
            self._send(status, payload)

    return Handler
