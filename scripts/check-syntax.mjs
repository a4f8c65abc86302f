#!/usr/bin/env node
// @ts-check
// ES2017 gate for the WinDbg bundle. WinDbg's JavaScript provider runs the file as a classic
// script in an ES2017-era engine (Chakra), with no Node/browser host objects. So the file must:
//   1. parse as an ES2017 *script* (acorn, ecmaVersion 2017, sourceType 'script'): a?.b, a ?? b,
//      10n, {...o}, class fields, #private, `catch {}`, 1_000, ??=, for await, newer regex
//      syntax, import/export/import() are all parse errors;
//   2. not read globals the engine or host lacks (globalThis, BigInt, console, setTimeout,
//      require, ...): found by resolving every identifier against the scopes that declare it;
//   3. declare the entry functions as top-level `function`s (or `var`s): top-level let/const/class
//      are not properties of the global object, where the provider looks them up;
//   4. declare no other top-level global than the rollup IIFE namespace (and deliberate extras).
//
// usage: node scripts/check-syntax.mjs [--namespace NAME] [--allow-global a,b] FILE...
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as acorn from 'acorn';

/** The functions WinDbg calls; they must be globals of the script. */
export const ENTRY_FUNCTIONS = ['initializeScript', 'invokeScript', 'uninitializeScript'];
/** The variable rollup's IIFE assigns the module namespace to (output.name in rollup.config.js). */
export const NAMESPACE = '__waitchain';

/** Free (global) names the bundle must not use, and why. */
const FORBIDDEN_GLOBALS = new Map([
  ...['globalThis', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'WeakRef', 'FinalizationRegistry',
    'AggregateError', 'SuppressedError', 'DisposableStack', 'AsyncDisposableStack', 'Iterator',
    'structuredClone'].map((n) => /** @type {[string, string]} */ ([n, 'is newer than ES2017'])),
  ['console', 'does not exist in WinDbg; use host.diagnostics.debugLog'],
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
    'queueMicrotask', 'requestAnimationFrame'].map(
    (n) => /** @type {[string, string]} */ ([n, 'is a timer/scheduler; WinDbg scripts have none'])),
  ...['require', 'module', 'exports', 'process', 'Buffer', '__dirname', '__filename', 'global',
    'window', 'self', 'document', 'fetch'].map(
    (n) => /** @type {[string, string]} */ ([n, 'is a Node/browser global; WinDbg scripts have none'])),
]);

/** Static members newer than ES2017 that lib ES2017 would reject too; caught here in case of casts. */
const FORBIDDEN_MEMBERS = new Map([
  ['Object', ['fromEntries', 'hasOwn', 'groupBy']],
  ['Promise', ['allSettled', 'any', 'withResolvers']],
  ['Array', ['fromAsync']],
  ['Symbol', ['asyncIterator']],
]);

/**
 * @typedef {object} CheckOptions
 * @property {string} [file] name used in messages
 * @property {number} [ecmaVersion] highest ECMAScript version allowed (default 2017)
 * @property {string[]} [entry] required global entry functions (default ENTRY_FUNCTIONS)
 * @property {string | null} [namespace] the one IIFE namespace global allowed (default NAMESPACE)
 * @property {string[]} [allowGlobals] further top-level globals that are deliberate
 */

/**
 * Checks one script. Returns the problems found, one message per problem; [] means OK.
 * @param {string} code
 * @param {CheckOptions} [opts]
 * @returns {string[]}
 */
export function checkSource(code, opts = {}) {
  const {
    file = '<input>',
    ecmaVersion = 2017,
    entry = ENTRY_FUNCTIONS,
    namespace = NAMESPACE,
    allowGlobals = [],
  } = opts;
  /** @type {any} */
  let ast;
  try {
    ast = acorn.parse(code, {
      ecmaVersion: /** @type {acorn.ecmaVersion} */ (ecmaVersion),
      sourceType: 'script',
      locations: true,
      allowHashBang: false,
      allowReturnOutsideFunction: false,
    });
  } catch (err) {
    const e = /** @type {SyntaxError & { loc?: { line: number, column: number } }} */ (err);
    const where = e.loc ? `${e.loc.line}:${e.loc.column + 1}` : '?';
    const text = e.loc ? (code.split('\n')[e.loc.line - 1] ?? '').trim() : '';
    const message = e.message.replace(/ \(\d+:\d+\)$/, '');
    return [`${file}:${where}: not a valid ES${ecmaVersion} classic script: ${message}${text ? `\n    ${text.slice(0, 160)}` : ''}`];
  }

  /** @type {string[]} */
  const errors = [];
  /** @param {any} node */
  const at = (node) => `${file}:${node.loc.start.line}:${node.loc.start.column + 1}`;

  // Global references: identifiers that no enclosing scope declares.
  const scopes = collectScopes(ast);
  for (const { node, parent, chain } of references(ast)) {
    if (chain.some((scope) => scopes.get(scope)?.has(node.name))) continue;
    const why = FORBIDDEN_GLOBALS.get(node.name);
    if (why) {
      const use = parent && parent.type === 'CallExpression' && parent.callee === node ? `${node.name}(...) call` : node.name;
      errors.push(`${at(node)}: uses ${use}, which ${why}`);
    } else if (parent && ((parent.type === 'AssignmentExpression' && parent.left === node) || parent.type === 'UpdateExpression')) {
      // Sloppy code would create a global; strict code throws. Either way it is a bug.
      errors.push(`${at(node)}: assigns to undeclared global ${node.name}`);
    } else if (parent && parent.type === 'MemberExpression' && parent.object === node && !parent.computed) {
      const members = FORBIDDEN_MEMBERS.get(node.name);
      if (members && members.includes(parent.property.name)) {
        errors.push(`${at(node)}: uses ${node.name}.${parent.property.name}, which is newer than ES2017`);
      }
    }
  }

  // Top-level declarations are the script's globals.
  /** @type {Map<string, { kind: string, node: any }>} */
  const globals = new Map();
  for (const stmt of ast.body) {
    if (stmt.type === 'FunctionDeclaration') globals.set(stmt.id.name, { kind: 'function', node: stmt });
    else if (stmt.type === 'ClassDeclaration') globals.set(stmt.id.name, { kind: 'class', node: stmt });
    else if (stmt.type === 'VariableDeclaration') {
      for (const decl of stmt.declarations) {
        for (const id of patternIds(decl.id)) globals.set(id.name, { kind: stmt.kind, node: id });
      }
    }
  }
  for (const name of entry) {
    const g = globals.get(name);
    if (!g) errors.push(`${file}: no top-level declaration of entry function ${name}`);
    else if (g.kind !== 'function' && g.kind !== 'var') {
      errors.push(`${at(g.node)}: entry function ${name} is a top-level ${g.kind}, which is not a property of the global object; declare it with \`function\``);
    }
  }
  const allowed = new Set([...entry, ...(namespace ? [namespace] : []), ...allowGlobals]);
  for (const [name, g] of globals) {
    if (!allowed.has(name)) {
      errors.push(`${at(g.node)}: stray top-level global ${name} (${g.kind}); only ${[...allowed].join(', ')} may be global`);
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Scope resolution, deliberately coarse: one scope per function (and the program). Every name
// declared anywhere in a function body - var, let, const, class, function, parameter, catch
// parameter - counts for the whole function. Over-approximating declarations can only hide a
// global use that is shadowed in a sibling block, never report a false one.

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * Yields every AST node with its parent and the chain of enclosing scope nodes (innermost first).
 * @param {any} node
 * @param {any} parent
 * @param {any[]} chain
 * @returns {Generator<{ node: any, parent: any, chain: any[] }>}
 */
function* walk(node, parent, chain) {
  yield { node, parent, chain };
  const inner = FUNCTION_TYPES.has(node.type) ? [node, ...chain] : chain;
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') yield* walk(child, node, inner);
    } else if (value && typeof value.type === 'string') {
      // A function declaration's name belongs to the enclosing scope, not its own.
      yield* walk(value, node, node.type === 'FunctionDeclaration' && key === 'id' ? chain : inner);
    }
  }
}

/**
 * Identifier nodes within a binding pattern.
 * @param {any} pattern
 * @returns {any[]}
 */
function patternIds(pattern) {
  if (!pattern) return [];
  switch (pattern.type) {
    case 'Identifier': return [pattern];
    case 'ObjectPattern': return pattern.properties.flatMap((/** @type {any} */ p) => patternIds(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern': return pattern.elements.flatMap(patternIds);
    case 'AssignmentPattern': return patternIds(pattern.left);
    case 'RestElement': return patternIds(pattern.argument);
    default: return []; // member expressions in assignment patterns declare nothing
  }
}

/**
 * Declared names per scope node (Program or function).
 * @param {any} ast
 * @returns {Map<any, Set<string>>}
 */
function collectScopes(ast) {
  /** @type {Map<any, Set<string>>} */
  const scopes = new Map([[ast, new Set()]]);
  /** @param {any} scope @param {any[]} ids */
  const declare = (scope, ids) => {
    let names = scopes.get(scope);
    if (!names) scopes.set(scope, (names = new Set()));
    for (const id of ids) names.add(id.name);
  };
  for (const { node, chain } of walk(ast, null, [])) {
    const scope = chain[0] ?? ast;
    if (FUNCTION_TYPES.has(node.type)) {
      declare(node, node.params.flatMap(patternIds));
      if (node.id) declare(node.type === 'FunctionDeclaration' ? scope : node, [node.id]);
    } else if (node.type === 'VariableDeclaration') {
      declare(scope, node.declarations.flatMap((/** @type {any} */ d) => patternIds(d.id)));
    } else if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.id) {
      declare(scope, [node.id]);
    } else if (node.type === 'CatchClause' && node.param) {
      declare(scope, patternIds(node.param));
    }
  }
  return scopes;
}

/**
 * Identifier nodes that refer to a variable (not property names, labels or meta properties),
 * with the scope chain to resolve them in (innermost first, Program last).
 * @param {any} ast
 * @returns {Generator<{ node: any, parent: any, chain: any[] }>}
 */
function* references(ast) {
  for (const item of walk(ast, null, [])) {
    const { node, parent } = item;
    if (node.type !== 'Identifier' || !parent) continue;
    switch (parent.type) {
      case 'MemberExpression':
        if (parent.property === node && !parent.computed) continue;
        break;
      case 'Property':
        // Shorthand `{ a }`: acorn gives key and value as separate nodes; the value is the reference.
        if (parent.key === node && parent.value !== node && !parent.computed) continue;
        break;
      case 'MethodDefinition':
        if (parent.key === node && !parent.computed) continue;
        break;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
        continue;
    }
    yield { ...item, chain: [...item.chain, ast] };
  }
}

// ---------------------------------------------------------------------------------------------

/** @param {string[]} argv */
function main(argv) {
  /** @type {string[]} */
  const files = [];
  /** @type {CheckOptions} */
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--namespace') opts.namespace = argv[++i];
    else if (arg === '--allow-global') opts.allowGlobals = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--entry') opts.entry = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--')) {
      console.error(`check-syntax: unknown option ${arg}`);
      return 2;
    } else files.push(arg);
  }
  if (!files.length) {
    console.error('usage: node scripts/check-syntax.mjs [--namespace NAME] [--allow-global a,b] [--entry a,b,c] FILE...');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    let code;
    try {
      code = readFileSync(file, 'utf8');
    } catch (err) {
      console.error(`${file}: cannot read: ${/** @type {Error} */ (err).message}`);
      failed++;
      continue;
    }
    const errors = checkSource(code, { ...opts, file });
    if (errors.length) {
      failed++;
      for (const e of errors) console.error(e);
      console.error(`${file}: ${errors.length} problem(s)`);
    } else {
      console.log(`${file}: OK (ES2017 classic script, globals: ${[...(opts.entry ?? ENTRY_FUNCTIONS), opts.namespace ?? NAMESPACE, ...(opts.allowGlobals ?? [])].join(', ')})`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
