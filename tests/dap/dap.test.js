// The defer story over the Debug Adapter Protocol, driven by Microsoft's DebugClient
// (@vscode/debugadapter-testsupport, pinned in package-lock.json) against `godefer-emu dap`,
// on the seed's deferr.o (Go 1.15, darwin) and deferr.o of Go 1.15, 1.22 and the newest release: breakpoints by line, the Defers scope
// with the registered closure, i = 1 in c's frame at the closure's breakpoint, i = 2 after
// `next`, stepBack to 1, reverseContinue to the breakpoint, continue to the end (the result in
// the output, exit code 0). Then bad input. Run: GODEFER_EMU=path/to/godefer-emu npm test
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const bin = process.env.GODEFER_EMU;
const top = path.resolve(__dirname, '..', '..');
const src = path.join(top, 'tests', 'programs', 'deferr.go');

function client() {
  const dc = new DebugClient(bin, 'dap', 'godefer');
  dc.defaultTimeout = 20000;
  return dc;
}

async function frames(dc) {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames;
}

// The value of `expr` in the frame of function `fn`.
async function valueIn(dc, fn, expr) {
  const f = (await frames(dc)).find((x) => x.name === fn);
  assert.ok(f, `no frame ${fn}`);
  const r = await dc.evaluateRequest({ expression: expr, frameId: f.id, context: 'watch' });
  return r.body.result;
}

for (const v of ['go1.15-darwin', 'go1.15', 'go1.22', 'go1.27']) { // go1.15-darwin: the seed
  test(`defer story over DAP, ${v}`, async () => {
    const dc = client();
    await dc.start();
    try {
      const program = path.join(top, 'tests', 'fixtures', v, 'nl', 'deferr.o');
      const launch = { program, function: 'c', sourceDirs: [path.dirname(src)] };
      const init = await dc.initializeRequest({ adapterID: 'godefer', linesStartAt1: true });
      assert.strictEqual(init.body.supportsStepBack, true);
      assert.strictEqual(init.body.supportsDataBreakpoints, true);
      const initialized = dc.waitForEvent('initialized');
      await dc.launchRequest(launch);
      await initialized;
      const bps = await dc.setBreakpointsRequest({
        source: { path: src },
        breakpoints: [{ line: 12 }, { line: 9 }],
      });
      assert.deepStrictEqual(bps.body.breakpoints.map((b) => b.verified), [true, true]);
      await Promise.all([dc.configurationDoneRequest(), dc.assertStoppedLocation('breakpoint', { path: src, line: 12 })]);

      // At `return 1`: the closure is registered on g._defer.
      const top0 = (await frames(dc))[0];
      const scopes = (await dc.scopesRequest({ frameId: top0.id })).body.scopes;
      assert.deepStrictEqual(scopes.map((s) => s.name), ['Locals', 'Results', 'Registers', 'Defers']);
      const defers = (await dc.variablesRequest({ variablesReference: scopes[3].variablesReference })).body.variables;
      assert.strictEqual(defers.length, 1);
      assert.match(defers[0].value, /main\.c\.func1/);
      const results = (await dc.variablesRequest({ variablesReference: scopes[1].variablesReference })).body.variables;
      assert.deepStrictEqual(results.map((r) => [r.name, r.value]), [['i', '0']]);

      // In the closure deferreturn calls: i is 1.
      await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { path: src, line: 9 })]);
      const names = (await frames(dc)).map((f) => f.name);
      assert.strictEqual(names[0], 'main.c.func1');
      assert.ok(names.includes('main.c'), names.join(', '));
      // deferreturn's model frame sits between them, marked (Go 1.15's jmpdefer returns onto
      // c's CALL instead: no frame of its own).
      if (!v.startsWith('go1.15')) {
        const model = (await frames(dc)).find((f) => /runtime\.deferreturn \(runtime model\)/.test(f.name));
        assert.ok(model, names.join(', '));
        assert.strictEqual(model.presentationHint, 'subtle');
      }
      assert.strictEqual(await valueIn(dc, 'main.c', 'i'), '1');

      // One line on: the closure has written 2.
      await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      assert.strictEqual(await valueIn(dc, 'main.c', 'i'), '2');

      // Backwards: one line back it is 1 again; reverseContinue stops at `return 1`'s breakpoint.
      await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
      assert.strictEqual(await valueIn(dc, 'main.c', 'i'), '1');
      await Promise.all([dc.reverseContinueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { path: src, line: 12 })]);
      assert.strictEqual(await valueIn(dc, 'main.c', 'i'), '0');

      // To the end: the result, then exited 0 and terminated.
      await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
      const out = dc.assertOutput('console', 'main.c returned i = 2');
      const exited = dc.waitForEvent('exited');
      const terminated = dc.waitForEvent('terminated');
      await dc.continueRequest({ threadId: 1 });
      await out;
      assert.strictEqual((await exited).body.exitCode, 0);
      await terminated;
    } finally {
      await dc.stop();
    }
  });
}

test('instruction breakpoints, disassemble and data breakpoints', async () => {
  const dc = client();
  await dc.start();
  try {
    const program = path.join(top, 'tests', 'fixtures', 'go1.22', 'nl', 'deferr.o');
    await dc.initializeRequest({ adapterID: 'godefer' });
    const initialized = dc.waitForEvent('initialized');
    await dc.launchRequest({ program, function: 'c', sourceDirs: [path.dirname(src)], stopOnEntry: true });
    await initialized;
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'c.func1' }] });
    assert.strictEqual(fb.body.breakpoints[0].verified, true);
    await Promise.all([dc.configurationDoneRequest(), dc.waitForEvent('stopped')]);
    const pc = (await frames(dc))[0].instructionPointerReference;
    const dis = await dc.disassembleRequest({ memoryReference: pc, instructionCount: 5 });
    assert.strictEqual(dis.body.instructions.length, 5);
    assert.strictEqual(dis.body.instructions[0].address, pc);
    assert.ok(dis.body.instructions[0].instruction.length > 0);
    // A data breakpoint on c's result i stops when `return 1` writes it.
    const f0 = (await frames(dc))[0];
    const scopes = (await dc.scopesRequest({ frameId: f0.id })).body.scopes;
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: scopes[1].variablesReference, name: 'i' });
    assert.ok(info.body.dataId, info.body.description);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId }] });
    const stopped = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'data breakpoint');
    assert.match(ev.body.description, /changed from 0 to 1/);
  } finally {
    await dc.stop();
  }
});

test('bad requests get error responses, not a crash', async () => {
  const dc = client();
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'godefer' });
    await assert.rejects(dc.send('noSuchRequest', {}), /unknown request noSuchRequest/);
    await assert.rejects(dc.launchRequest({ program: '/nonexistent.o' }), /nonexistent\.o/);
    await assert.rejects(dc.launchRequest({}), /program/);
    await assert.rejects(dc.stackTraceRequest({ threadId: 1 }), /nothing is launched/);
  } finally {
    await dc.stop();
  }
});
