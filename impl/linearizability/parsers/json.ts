/**
 * Parser for the suite's JSON history format.
 *
 * A file holds one object (or, equivalently, one array of operations):
 *
 *   {
 *     "model": "cas-register",
 *     "operations": [
 *       { "client": "a", "call": 0, "return": 4, "input": { "f": "write", "value": 1 }, "output": null },
 *       { "client": "b", "call": 1, "return": 3, "input": { "f": "read" }, "output": 1 },
 *       { "client": "c", "call": 2, "return": null, "input": { "f": "write", "value": 2 } }
 *     ]
 *   }
 *
 * - `model` (optional) names the model the history is meant for; `--model` must agree with it.
 * - `client` is a string or number; `call` and `return` are numbers on any monotonic clock, and
 *   intervals are closed. `return: null` marks an operation that never returned.
 * - `input` is the model's operation object (see each model's `decodeInput`); `output` is the
 *   observed result. Leave `output` out when the outcome is unknown (a timeout): the operation may
 *   then take effect at any point after its call, or never.
 * - `id` (optional) is a non-negative integer unique in the file; by default it is the position.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { UNKNOWN, type AnyModel, type Operation } from '../../../models/model';
import { HistoryError } from '../errors';
import type { ParsedHistory } from './types';

/**
 * Parses a JSON history and decodes its operations with `model`.
 *
 * @param model - decodes inputs and outputs; its name must match the file's `model`, if given
 * @throws HistoryError naming the file, line and what was expected.
 */
export function parseJsonHistory(text: string, model: AnyModel, file = '<input>'): ParsedHistory {
  const lineOf = lineIndex(text);
  if (text.trim() === '') throw new HistoryError('empty-file', 'the file is empty; expected a JSON object {"operations": [...]}', file, 1);

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    const offset = first?.offset ?? text.length;
    const code = first === undefined ? 'InvalidSymbol' : printParseErrorCode(first.error);
    const truncated = code === 'CloseBraceExpected' || code === 'CloseBracketExpected' || code === 'UnexpectedEndOfString' || offset >= text.trimEnd().length;
    throw new HistoryError(truncated ? 'truncated' : 'malformed-line', `invalid JSON (${code}); the file may be cut off or hand-edited`, file, lineOf(offset));
  }

  let operationsNode: Node | undefined;
  if (root.type === 'array') operationsNode = root;
  else if (root.type === 'object') {
    const declared = property(root, 'model');
    if (declared !== undefined) {
      if (declared.type !== 'string') throw new HistoryError('malformed-line', '"model" must be a string naming a model', file, lineOf(declared.offset));
      if (declared.value !== model.name) {
        throw new HistoryError('invalid-history', `the file is a history for model '${String(declared.value)}' but it is being checked against '${model.name}'; pass --model ${String(declared.value)}`, file, lineOf(declared.offset));
      }
    }
    operationsNode = property(root, 'operations');
  }
  if (operationsNode === undefined || operationsNode.type !== 'array') {
    throw new HistoryError('malformed-line', 'expected a JSON object with an "operations" array, or an array of operations', file, lineOf(root.offset));
  }
  const elements = operationsNode.children ?? [];
  if (elements.length === 0) throw new HistoryError('empty-file', 'the history has no operations', file, lineOf(operationsNode.offset));
  if (model.decodeInput === undefined) throw new HistoryError('invalid-history', `model '${model.name}' cannot read JSON histories because it has no decodeInput`, file);

  const history: Operation<unknown, unknown>[] = [];
  elements.forEach((element, position) => {
    const line = lineOf(element.offset);
    const fail = (message: string): never => {
      throw new HistoryError('malformed-line', `operation ${position}: ${message}`, file, line);
    };
    if (element.type !== 'object') fail('expected an object with client, call, return, input and optionally output');

    const value = (name: string): { node: Node | undefined; value: unknown } => {
      const node = property(element, name);
      return { node, value: node === undefined ? undefined : nodeValue(node) };
    };
    const client = value('client').value;
    if (typeof client !== 'string' && typeof client !== 'number') fail(`"client" must be a string or number, got ${JSON.stringify(client)}`);
    const call = value('call').value;
    if (typeof call !== 'number') fail(`"call" must be a number, got ${JSON.stringify(call)}`);
    const ret = value('return');
    if (ret.node === undefined) fail('"return" is missing; give the response time, or null when the operation never returned');
    if (ret.value !== null && typeof ret.value !== 'number') fail(`"return" must be a number or null, got ${JSON.stringify(ret.value)}`);
    const idField = value('id');
    const id = idField.node === undefined ? position : idField.value;
    if (typeof id !== 'number') fail(`"id" must be a non-negative integer, got ${JSON.stringify(id)}`);

    const inputField = value('input');
    if (inputField.node === undefined) fail('"input" is missing');
    let input: unknown;
    try {
      input = model.decodeInput!(inputField.value);
    } catch (error) {
      const message = (error as Error).message;
      throw new HistoryError(message.startsWith('unknown operation') ? 'unknown-operation' : 'malformed-line', `operation ${position}: ${message}`, file, line);
    }

    const outputField = value('output');
    let output: unknown = UNKNOWN;
    if (outputField.node !== undefined) {
      if (model.decodeOutput === undefined) output = outputField.value;
      else {
        try {
          output = model.decodeOutput(outputField.value, input);
        } catch (error) {
          fail((error as Error).message);
        }
      }
    }
    if (ret.value === null && output !== UNKNOWN) fail('an operation that never returned ("return": null) cannot have an "output"; leave "output" out');

    history.push({ id: id as number, client: String(client), input, call: call as number, output, return: ret.value as number | null, line });
  });

  return { history, model: model.name, format: 'json', skippedLines: 0 };
}

function property(object: Node, name: string): Node | undefined {
  if (object.type !== 'object') return undefined;
  for (const child of object.children ?? []) {
    const [keyNode, valueNode] = child.children ?? [];
    if (keyNode?.value === name) return valueNode;
  }
  return undefined;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const child of node.children ?? []) {
        const [keyNode, valueNode] = child.children ?? [];
        if (keyNode !== undefined && valueNode !== undefined) result[String(keyNode.value)] = nodeValue(valueNode);
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
