"""The fixed registry of solver recipes a live run may name: specs name them, never code.

  snap   generate()                             answer at once
  cot    chain_of_thought() + generate()        reason step by step, then answer
  tools  use_tools(calculator()) + generate()   may call a real calculator first

The names are light (spec validation reads RECIPES); building the solvers imports inspect_ai.
"""

from __future__ import annotations

import ast
import operator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect_ai.solver import Solver
    from inspect_ai.tool import Tool

RECIPES: dict[str, str] = {
    "snap": "generate()",
    "cot": "chain_of_thought() + generate()",
    "tools": "use_tools(calculator()) + generate()",
}

_OPS: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.USub: operator.neg, ast.UAdd: operator.pos,
}
MAX_EXPRESSION = 200
MAX_MAGNITUDE = 10**15


def calculate(expression: str) -> str:
    """Evaluate + - * / // % and parentheses over numbers; anything else is an error.

    Parsed with `ast` and walked by hand: a model's tool call is untrusted input, so no
    `eval`, no names, no calls, no powers (which could exhaust memory).
    """
    if not isinstance(expression, str) or len(expression) > MAX_EXPRESSION:
        raise ValueError(f"expression must be a string of at most {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from None

    def walk(node: ast.AST) -> int | float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            value = _OPS[type(node.op)](walk(node.left), walk(node.right))
        elif isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            value = _OPS[type(node.op)](walk(node.operand))
        else:
            raise ValueError(f"only numbers and + - * / // % ( ) are allowed: {expression!r}")
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError("result too large")
        return value

    try:
        result = walk(tree.body)
    except ZeroDivisionError:
        raise ValueError("division by zero") from None
    if isinstance(result, float) and result.is_integer():
        result = int(result)
    return str(result)


def calculator_tool() -> Tool:
    """The inspect tool wrapping `calculate` (imports inspect_ai)."""
    from inspect_ai.tool import ToolError, tool

    @tool(name="calculator")
    def calculator() -> Tool:
        async def execute(expression: str) -> str:
            """Evaluate an arithmetic expression.

            Args:
                expression: An expression over numbers with + - * / // % and parentheses,
                    e.g. "12 * 7 - 15".

            Returns:
                The value of the expression.
            """
            try:
                return calculate(expression)
            except ValueError as e:
                raise ToolError(str(e)) from None

        return execute

    return calculator()


def solvers(recipe: str) -> list[Solver]:
    """The inspect solver plan for a recipe name (KeyError for an unknown one)."""
    from inspect_ai.solver import chain_of_thought, generate, use_tools

    if recipe == "snap":
        return [generate()]
    if recipe == "cot":
        return [chain_of_thought(), generate()]
    if recipe == "tools":
        return [use_tools(calculator_tool()), generate()]
    raise KeyError(recipe)
