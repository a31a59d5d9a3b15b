"use strict";
// The step-through of one run. The data: #run (JSON: the run's facts, per-pc static info, runtime
// events, variable changes, output) and #steps (base64: per instruction its pc's id and the
// registers it changed, as deltas). Position s is 1..N: instruction s has run; what is shown is
// the machine after it.
(function () {
  const D = JSON.parse(document.getElementById("run").textContent);
  const M = D.meta, N = M.steps, NR = D.regNames.length;
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmtN = (n) => Number(n).toLocaleString("en-US");

  // ---- the instructions: decoded once into typed arrays, registers kept at keyframes ----
  const KF = 1024;
  const ids = new Uint32Array(N);
  const chgOff = new Uint32Array(N + 1);
  // Changes: the instructions' own, then what a runtime call the step made changed.
  const NC = M.changes;
  const chgReg = new Uint8Array(NC);
  const chgLo = new Uint32Array(NC), chgHi = new Uint32Array(NC);
  const nkf = Math.floor(N / KF) + 1;
  const kfLo = new Uint32Array(nkf * NR), kfHi = new Uint32Array(nkf * NR);
  const known = D.init.map((v) => v !== null);
  {
    const bin = atob($("steps").textContent.trim());
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const lo = new Uint32Array(NR), hi = new Uint32Array(NR);
    D.init.forEach((v, r) => {
      if (v === null) return;
      const b = BigInt(v);
      lo[r] = Number(b & 0xffffffffn);
      hi[r] = Number(b >> 32n);
    });
    let p = 0, c = 0;
    const varint = () => {
      let v = 0, mul = 1, b;
      do {
        b = bytes[p++];
        v += (b & 127) * mul;
        mul *= 128;
      } while (b & 128);
      return v;
    };
    for (let s = 0; s < N; s++) {
      if (s % KF === 0) {
        kfLo.set(lo, (s / KF) * NR);
        kfHi.set(hi, (s / KF) * NR);
      }
      const v = varint();
      ids[s] = Math.floor(v / 8);
      let n = v % 8;
      if (n === 7) n = varint();
      chgOff[s] = c;
      for (let j = 0; j < n; j++) {
        const rb = bytes[p++], r = rb & 63;
        const z = varint();
        const d = (z >>> 1) ^ -(z & 1);
        lo[r] = (lo[r] + d) >>> 0;
        if (rb & 128) hi[r] = varint();
        chgReg[c] = r;
        chgLo[c] = lo[r];
        chgHi[c] = hi[r];
        c++;
      }
    }
    chgOff[N] = c;
  }

  // ---- per-pc facts ----
  const NP = D.pcs.length;
  const idLine = new Int32Array(NP), idFile = new Int32Array(NP), idFunc = new Int32Array(NP);
  const pcToId = new Map();
  D.pcs.forEach((p, id) => {
    if (!p) return;
    pcToId.set(p[0], id);
    idFunc[id] = p[1];
    idFile[id] = p[2];
    idLine[id] = p[3];
  });
  const hex = (n) => "0x" + n.toString(16);
  const isRtCall = (text) => /^CALL\s+runtime\./.test(text) || /\bcall\b.*runtime\./.test(text);
  const eventPcs = new Set(D.events.map((e) => e.pc));
  const fileName = (f) => D.files[f] ? D.files[f].name : "";
  const funcName = (f) => D.funcs[f] ? D.funcs[f].name : "";
  const idAt = (s) => ids[s - 1];

  // ---- per-step lookups ----
  // The last index i of sorted `arr` with key(arr[i]) <= s (-1: none).
  const upTo = (arr, s, key) => {
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(arr[mid]) <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  const stepOf = (e) => e.step;
  const chainEvents = D.events.filter((e) => e.chain !== undefined);
  const gorEvents = D.events.filter((e) => e.kind === "goroutine");

  // Variables: one series per (owner, name), in the order first written; a change
  // [step, series, writer, value] becomes {step, v (its series), fn (the writer), after}.
  const val = (v) => (typeof v === "number" ? { text: String(v), num: v } : v);
  const varList = D.series.map((x) => ({ name: x.name, owner: x.owner, type: x.type, first: val(x.first), ch: [] }));
  const series = new Set(varList.map((v) => v.owner + "." + v.name));
  const varChanges = D.vars.map(([step, k, w, v]) => {
    const c = { step, v: varList[k], fn: D.writers[w], after: val(v) };
    varList[k].ch.push(c);
    return c;
  });

  const regsAt = (s) => {
    const k = Math.floor(s / KF);
    const lo = kfLo.slice(k * NR, k * NR + NR), hi = kfHi.slice(k * NR, k * NR + NR);
    for (let c = chgOff[k * KF], end = chgOff[s]; c < end; c++) {
      lo[chgReg[c]] = chgLo[c];
      hi[chgReg[c]] = chgHi[c];
    }
    return { lo, hi };
  };
  const regHex = (lo, hi) => "0x" + (hi ? hi.toString(16) + lo.toString(16).padStart(8, "0") : lo.toString(16));

  // ---- header ----
  $("title").textContent = (M.signature ? M.function.replace(/[^.]*$/, "") + M.signature : M.function) || "godefer-emu";
  let sub = `${M.object} · ${M.go} ${M.goos}/${M.goarch} ${M.abi}`;
  if (M.args.length) sub += " · args " + M.args.map((a) => (a.name ? a.name + "=" : "") + a.value).join(", ");
  if (M.end && M.end.kind === "return")
    sub += ` · returned ${M.end.line || "(no results)"} after ${fmtN(M.end.instructions)} instructions`;
  else if (M.end) sub += ` · exit status ${M.end.status}: ${M.end.reason} after ${fmtN(M.end.instructions)} instructions`;
  $("subtitle").textContent = sub;
  if (M.truncated)
    $("cut").textContent =
      `Cut: the page holds the first ${fmtN(M.steps)} of the run's ${fmtN(M.total)} instructions (--html-max-insns ${fmtN(M.maxInsns)}). ` +
      `Nothing after instruction ${fmtN(M.cutAt)} is shown` +
      (M.eventsAfterCut ? ` (${fmtN(M.eventsAfterCut)} runtime events came later)` : "") +
      "; the run's end above is the whole run's.";
  if (N === 0) {
    $("now").textContent = "No instructions were recorded.";
    document.body.dataset.step = "0";
    document.body.dataset.openMs = String(Math.round(performance.now()));
    return;
  }

  // ---- panes built once ----
  const srcCache = new Map(); // file index -> {rows: Map(line -> row), box}
  const buildSource = (f) => {
    if (srcCache.has(f)) return srcCache.get(f);
    const box = el("div");
    const rows = new Map();
    const codeLines = new Set();
    D.pcs.forEach((p) => p && p[2] === f && codeLines.add(p[3]));
    for (const fn of D.funcs)
      if (fn.listing) for (const l of fn.listing) if (l[1] === f) codeLines.add(l[2]);
    const file = D.files[f];
    const lines = file && file.lines;
    const add = (n, text) => {
      const r = el("div", "row" + (codeLines.has(n) ? " code" : ""));
      r.dataset.line = n;
      r.append(el("span", "n", String(n)), el("span", "t", text));
      r.addEventListener("click", () => go(nextAtLine(f, n)));
      rows.set(n, r);
      box.append(r);
    };
    if (lines) lines.forEach((t, i) => add(i + 1, t));
    else {
      box.append(el("div", "note", `${file && file.name ? file.name : "this code"}: source not found (--source-dir); the lines the run knows:`));
      [...codeLines].sort((a, b) => a - b).forEach((n) => {
        const first = D.pcs.find((p) => p && p[2] === f && p[3] === n);
        add(n, first ? "   " + first[4] : "");
      });
    }
    const entry = { rows, box, name: file ? file.name : "" };
    srcCache.set(f, entry);
    return entry;
  };

  const asmCache = new Map(); // function index -> {rows: Map(pc -> row), frag}
  const buildAsm = (fi) => {
    if (asmCache.has(fi)) return asmCache.get(fi);
    const frag = el("div");
    const rows = new Map();
    const fn = D.funcs[fi];
    let list = fn && fn.listing;
    if (!list) {
      list = [];
      D.pcs.forEach((p) => p && p[1] === fi && list.push([p[0], p[2], p[3], p[4]]));
      list.sort((a, b) => a[0] - b[0]);
      frag.append(el("div", "note", "executed instructions only"));
    }
    const width = Math.max(...list.map(([, file, line]) => `${fileName(file)}:${line}`.length)) + 2;
    for (const [pc, file, line, text] of list) {
      const id = pcToId.get(pc);
      // a call into the runtime: by its text, or a call whose site a runtime event names
      const rt = isRtCall(text) || (eventPcs.has(pc) && /^call/i.test(text));
      const r = el("div", "row" + (id === undefined ? " never" : " code") + (rt ? " rt" : ""));
      r.dataset.pc = hex(pc);
      r.title = id === undefined ? "never executed" : "click: its next execution";
      r.append(el("span", "n", `${fileName(file)}:${line}`.padEnd(width)), el("span", "a", hex(pc) + "  "), el("span", "t", text));
      if (rt) r.append(el("span", "rtm", "  \u25C6 runtime"));
      if (id !== undefined) r.addEventListener("click", () => go(nextAtPc(id)));
      rows.set(pc, r);
      frag.append(r);
    }
    const entry = { rows, box: frag };
    asmCache.set(fi, entry);
    return entry;
  };

  // ---- moving ----
  let cur = 1;
  const clamp = (s) => Math.max(1, Math.min(N, s));
  const lineKey = (s) => idFile[idAt(s)] * 1048576 + idLine[idAt(s)];
  const nextAtPc = (id) => {
    for (let s = cur + 1; s <= N; s++) if (ids[s - 1] === id) return s;
    for (let s = 1; s <= cur; s++) if (ids[s - 1] === id) return s;
    return cur;
  };
  const nextAtLine = (f, n) => {
    const at = (s) => idFile[idAt(s)] === f && idLine[idAt(s)] === n;
    let s = cur + 1;
    if (at(cur)) while (s <= N && at(s)) s++; // past the run of the line we are on
    for (; s <= N; s++) if (at(s)) return s;
    for (s = 1; s <= cur; s++) if (at(s)) return s;
    return cur;
  };
  const lineDown = () => {
    const k = lineKey(cur);
    let s = cur + 1;
    while (s <= N && lineKey(s) === k) s++;
    return clamp(s);
  };
  const lineUp = () => {
    let s = cur - 1;
    const k = lineKey(cur);
    while (s >= 1 && lineKey(s) === k) s--;
    if (s < 1) return 1;
    const k2 = lineKey(s);
    while (s > 1 && lineKey(s - 1) === k2) s--;
    return s;
  };
  const evSteps = [...new Set(D.events.map((e) => Math.max(1, e.step)).concat(varChanges.map((v) => Math.max(1, v.step))))].sort((a, b) => a - b);
  const nextEvent = () => {
    for (const s of evSteps) if (s > cur) return s;
    return cur;
  };
  const prevEvent = () => {
    for (let i = evSteps.length - 1; i >= 0; i--) if (evSteps[i] < cur) return evSteps[i];
    return cur;
  };

  // ---- timeline ----
  const canvas = $("marks");
  const kindColor = {
    defer_registered: "#2e8b2e", defer_run: "#2f6fdf", defer_jmp: "#2f6fdf", deferreturn_done: "#8fb3ee",
    panic: "#d32f2f", recovered: "#ef8f00", recover: "#ef8f00", goroutine: "#7a3fb8",
    stack_grown: "#8d6e63", alloc: "#b0b4ba", call: "#b0b4ba",
  };
  const xOf = (s, w) => (N <= 1 ? 0 : ((s - 1) / (N - 1)) * (w - 1));
  const sOf = (x, w) => clamp(Math.round((x / Math.max(1, w - 1)) * (N - 1)) + 1);
  // The marks are drawn once per width into an offscreen canvas; a position only adds its cursor.
  let base = null;
  let canvasWidth = 0;
  const drawMarks = () => {
    if (!canvasWidth) canvasWidth = canvas.clientWidth || 800;
    const w = canvasWidth, h = canvas.height;
    if (canvas.width !== w) canvas.width = w;
    if (!base || base.width !== w) {
      base = document.createElement("canvas");
      base.width = w;
      base.height = h;
      const b = base.getContext("2d");
      b.fillStyle = "#eceef1";
      b.fillRect(0, 10, w, 6);
      for (const e of D.events) {
        b.fillStyle = kindColor[e.kind] || "#888";
        const x = Math.round(xOf(Math.max(1, e.step), w));
        const big = e.kind !== "alloc" && e.kind !== "call";
        b.fillRect(x - (big ? 1 : 0), big ? 2 : 8, big ? 3 : 1, big ? 22 : 10);
      }
      if (M.truncated) {
        // the cut: the page ends here, the run went on
        b.fillStyle = "#8a1c14";
        for (let y = 0; y < h; y += 4) b.fillRect(w - 2, y, 2, 2);
      }
    }
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, w, h);
    g.drawImage(base, 0, 0);
    g.fillStyle = "#111";
    const x = Math.round(xOf(cur, w));
    g.fillRect(x - 1, 0, 2, h);
  };
  {
    const kinds = [...new Set(D.events.map((e) => e.kind))];
    const legend = el("div", "legend");
    for (const k of kinds) {
      const item = el("span", "", " " + k.replace(/_/g, " "));
      const sw = el("i");
      sw.style.background = kindColor[k] || "#888";
      item.prepend(sw);
      legend.append(item);
    }
    if (kinds.length) canvas.after(legend);
  }
  const nearestEvent = (x, w) => {
    let best = null, bd = 6;
    for (const e of D.events) {
      const d = Math.abs(xOf(Math.max(1, e.step), w) - x);
      if (d < bd) {
        bd = d;
        best = e;
      }
    }
    return best;
  };
  canvas.addEventListener("click", (ev) => {
    const w = canvas.clientWidth, x = ev.offsetX;
    const e = nearestEvent(x, w);
    go(e ? Math.max(1, e.step) : sOf(x, w));
  });
  canvas.addEventListener("mousemove", (ev) => {
    const e = nearestEvent(ev.offsetX, canvas.clientWidth);
    canvas.title = e ? `step ${e.step}: ${e.text}` : `step ${sOf(ev.offsetX, canvas.clientWidth)}`;
  });

  // Each variable's values over the run as a step chart on the timeline's scale.
  const SVG = "http://www.w3.org/2000/svg";
  const cursors = [];
  for (const v of varList) {
    // The chart's path, a pixel column at a time (a variable may change a million times).
    const levels = new Map();
    const y = (val) => {
      if (typeof val.num === "number") return val.num;
      if (!levels.has(val.text)) levels.set(val.text, levels.size);
      return levels.get(val.text);
    };
    let lo = y(v.first), hi = lo;
    for (const c of v.ch) {
      const k = y(c.after);
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    const W = 1000, H = 20;
    const py = (val) => (hi === lo ? H / 2 : H - 2 - ((val - lo) / (hi - lo)) * (H - 4));
    const px = (s) => (N <= 1 ? 0 : ((s - 1) / (N - 1)) * W);
    const parts = [`M0 ${py(y(v.first)).toFixed(1)}`];
    let col = -1, mn = 0, mx = 0, last = 0;
    const flush = () => {
      if (col < 0) return;
      parts.push(`V${py(mn).toFixed(1)}V${py(mx).toFixed(1)}V${py(last).toFixed(1)}`);
    };
    for (const c of v.ch) {
      const x = Math.floor(px(Math.max(1, c.step)) * 2) / 2, k = y(c.after);
      if (x !== col) {
        flush();
        parts.push(`H${x}`);
        col = x;
        mn = mx = k;
      }
      mn = Math.min(mn, k);
      mx = Math.max(mx, k);
      last = k;
    }
    flush();
    parts.push(`H${W}`);
    const d = parts.join("");
    const row = el("div", "chart");
    row.dataset.var = v.name;
    const n = v.ch.length + 1, text = (i) => (i === 0 ? v.first : v.ch[i - 1].after).text;
    const pick = (from, to) => Array.from({ length: Math.max(0, to - from) }, (_, i) => text(from + i));
    const shown = n > 12 ? pick(0, 6).concat(["\u2026"], pick(n - 5, n)) : pick(0, n);
    const all = n > 60 ? pick(0, 30).concat([`\u2026 (${fmtN(n)} values)`], pick(n - 29, n)) : pick(0, n);
    row.append(el("span", "label", `${v.name}: ${shown.join(" \u2192 ")}`));
    row.firstChild.title = `${v.owner}'s ${v.name} (${v.type}): ${all.join(" \u2192 ")}`;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("preserveAspectRatio", "none");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    const cl = document.createElementNS(SVG, "line");
    cl.setAttribute("class", "cursor");
    cl.setAttribute("y1", "0");
    cl.setAttribute("y2", String(H));
    svg.append(path, cl);
    svg.addEventListener("click", (ev) => {
      const w = svg.clientWidth || 1;
      const s = sOf(ev.offsetX, w);
      // the nearest change of this variable, else that moment
      let best = s, bd = 6;
      for (let i = Math.max(0, upTo(v.ch, s, stepOf) - 64), end = Math.min(v.ch.length, i + 129); i < end; i++) {
        const c = v.ch[i], dx = Math.abs(xOf(Math.max(1, c.step), w) - ev.offsetX);
        if (dx < bd) {
          bd = dx;
          best = Math.max(1, c.step);
        }
      }
      go(best);
    });
    cursors.push({ cl, px });
    row.append(svg);
    $("charts").append(row);
  }

  // ---- rendering a position ----
  // Scrolls a pane (not the window) so that row is in view, a third from the top when it moves.
  // Positions are remembered (rows never move within their pane; a pane's scroll position is
  // followed by its scroll events), so that a step forces no layout.
  const panes = new Map();
  const keepVisible = (pane, row) => {
    let st = panes.get(pane);
    if (!st) {
      st = { top: pane.scrollTop, height: pane.clientHeight };
      panes.set(pane, st);
      pane.addEventListener("scroll", () => (st.top = pane.scrollTop), { passive: true });
    }
    if (row.gdTop === undefined) {
      row.gdTop = row.offsetTop;
      row.gdHeight = row.offsetHeight;
    }
    if (row.gdTop < st.top || row.gdTop + row.gdHeight > st.top + st.height) {
      st.top = Math.max(0, row.gdTop - st.height / 3);
      pane.scrollTop = st.top;
    }
  };
  let shownFile = -1, shownFunc = -1, curSrcRow = null, curAsmRow = null;
  // The register table, built once (PC is not traced as a change: the assembly shows where the
  // machine is).
  const regCells = [];
  {
    let tr = null, col = 0;
    for (let r = 0; r < NR; r++) {
      if (D.regNames[r] === "PC") continue;
      if (col++ % 2 === 0) {
        tr = el("tr");
        $("regs").append(tr);
      }
      const td = el("td");
      td.dataset.reg = D.regNames[r];
      regCells[r] = td;
      tr.append(el("th", "", D.regNames[r]), td);
    }
  }
  const slider = $("slider");
  slider.max = String(N);
  const render = () => {
    const s = cur, id = idAt(s), p = D.pcs[id];
    document.body.dataset.step = String(s);
    slider.value = String(s);
    const f = idFile[id], fi = idFunc[id], line = idLine[id];
    const where = `${fileName(f)}:${line}`;
    const n = s - upTo(M.repeats, s, (x) => x) - 1;
    $("pos").textContent = `step ${fmtN(s)} / ${fmtN(N)}` + (n !== s ? ` (trace's n ${fmtN(n)})` : "") +
      (M.truncated && s === N ? " (cut here)" : "") + `  ${where}`;
    $("pos").dataset.where = where;

    // source
    const src = buildSource(f);
    if (shownFile !== f) {
      $("src").replaceChildren(src.box);
      shownFile = f;
      $("srcName").textContent = src.name;
    }
    if (curSrcRow) curSrcRow.classList.remove("cur");
    curSrcRow = src.rows.get(line) || null;
    if (curSrcRow) {
      curSrcRow.classList.add("cur");
      keepVisible($("src"), curSrcRow);
    }

    // assembly
    const asm = buildAsm(fi);
    if (shownFunc !== fi) {
      $("asm").replaceChildren(asm.box);
      shownFunc = fi;
      $("asmName").textContent = funcName(fi);
    }
    if (curAsmRow) curAsmRow.classList.remove("cur");
    curAsmRow = asm.rows.get(p[0]) || null;
    if (curAsmRow) {
      curAsmRow.classList.add("cur");
      keepVisible($("asm"), curAsmRow);
    }

    // registers
    const { lo, hi } = regsAt(s);
    const changed = new Set();
    for (let c = chgOff[s - 1]; c < chgOff[s]; c++) changed.add(chgReg[c]);
    for (let r = 0; r < NR; r++) {
      const cell = regCells[r];
      if (!cell) continue;
      const text = known[r] ? regHex(lo[r], hi[r]) : "?";
      const cls = changed.has(r) ? "chg" : known[r] ? "" : "unk";
      if (cell.textContent !== text) cell.textContent = text;
      if (cell.className !== cls) cell.className = cls;
    }

    // variables: the current frame's first
    const vars = $("vars");
    vars.textContent = "";
    const fnHere = funcName(fi);
    const rows = [];
    for (const v of varList) {
      const i = upTo(v.ch, s, stepOf);
      const value = i < 0 ? v.first : v.ch[i].after;
      const here = i >= 0 && v.ch[i].step === s;
      const inFrame = v.owner === fnHere;
      const r = el("tr", (here ? "chg " : "") + (inFrame ? "frame" : "other"));
      r.dataset.var = v.name;
      const note = here ? (v.ch[i].fn !== v.owner ? `written here by ${v.ch[i].fn}` : "written here")
        : i < 0 ? "before its first write" : `since step ${v.ch[i].step}`;
      r.append(el("td", "", v.name), el("td", "val", value.text), el("td", "", v.owner), el("td", "note", note));
      rows.push([inFrame ? 0 : 1, r]);
    }
    for (const a of M.args)
      if (a.name && !series.has(M.function + "." + a.name)) {
        const r = el("tr", "frame");
        r.dataset.var = a.name;
        r.append(el("td", "", a.name), el("td", "val", String(a.value)), el("td", "", M.function), el("td", "note", "argument"));
        rows.push([2, r]);
      }
    rows.sort((a, b) => a[0] - b[0]).forEach(([, r]) => vars.append(r));
    if (!rows.length) {
      const r = el("tr");
      r.append(el("td", "nil", "no named variables known (no DWARF; --source-dir finds the .go file)"));
      vars.append(r);
    }

    // g._defer
    const chain = $("chain");
    chain.textContent = "";
    const ci = upTo(chainEvents, s, stepOf);
    const names = ci < 0 ? [] : chainEvents[ci].chain;
    const total = ci < 0 ? 0 : chainEvents[ci].chainLength;
    chain.append(el("span", "dhead", "g._defer"));
    for (const n of names) {
      chain.append(el("span", "arrow", "\u2192"));
      const b = el("span", "dbox", n);
      chain.append(b);
    }
    if (total > names.length) {
      chain.append(el("span", "arrow", "\u2192"));
      chain.append(el("span", "dbox dmore", `\u2026 ${total - names.length} more`));
    }
    chain.append(el("span", "arrow", "\u2192"), el("span", "nil", "nil"));
    chain.dataset.length = String(total);

    // goroutines (shown when the run creates any): states replayed from the events' words
    if (gorEvents.some((e) => /created/.test(e.detail || ""))) {
      $("gorsPart").hidden = false;
      const gs = new Map([[1, { fn: M.function, state: "running" }]]);
      let running = 1;
      for (let i = 0, n = upTo(gorEvents, s, stepOf); i <= n; i++) {
        const t = gorEvents[i].detail || "";
        let m;
        if ((m = /goroutine (\d+) created to run (\S+?);? /.exec(t + " ")))
          gs.set(Number(m[1]), { fn: m[2], state: "runnable" });
        else if ((m = /goroutine (\d+) parks: (.*)/.exec(t))) {
          const g = gs.get(Number(m[1])) || { fn: "?" };
          g.state = "waiting: " + m[2];
          gs.set(Number(m[1]), g);
        } else if ((m = /goroutine (\d+) runs/.exec(t))) {
          const prev = gs.get(running);
          if (prev && prev.state === "running") prev.state = "runnable";
          running = Number(m[1]);
          const g = gs.get(running) || { fn: "?" };
          g.state = "running";
          gs.set(running, g);
        } else if ((m = /goroutine (\d+) exits/.exec(t))) {
          const g = gs.get(Number(m[1])) || { fn: "?" };
          g.state = "exited";
          gs.set(Number(m[1]), g);
        }
      }
      const box = $("gors");
      box.textContent = "";
      for (const [id, g] of [...gs].sort((a, b) => a[0] - b[0])) {
        const row = el("div", "g " + g.state.replace(/:.*/, ""), `g${id}  ${g.state.padEnd(10)}  ${g.fn}`);
        row.dataset.g = String(id);
        box.append(row);
      }
    }

    // output so far
    const oi = upTo(D.output, s, stepOf);
    let text = "";
    for (let i = 0; i <= oi; i++) text += D.output[i].text;
    $("out").textContent = text.length > 20000 ? "\u2026" + text.slice(-20000) : text;

    // what happened at this step
    const now = [];
    now.push(`${hex(p[0])}  ${p[4]}   (${funcName(fi)})`);
    const evs = [], vcs = [];
    for (let i = upTo(D.events, s, stepOf); i >= 0 && Math.max(1, D.events[i].step) === s; i--) evs.unshift(D.events[i].text);
    for (let i = upTo(varChanges, s, stepOf); i >= 0 && Math.max(1, varChanges[i].step) === s; i--) {
      const c = varChanges[i];
      vcs.unshift(`${c.v.name} = ${c.after.text}` + (c.fn !== c.v.owner ? ` (in ${c.v.owner}'s frame, written by ${c.fn})` : ""));
    }
    now.push(...evs, ...vcs);
    const here = now.length;
    const li = upTo(D.events, s, stepOf);
    if (li >= 0 && !evs.length)
      now.push(`last runtime event, at step ${Math.max(1, D.events[li].step)}: ${D.events[li].text}`);
    $("now").replaceChildren(...now.map((t, i) => el("div", i >= here ? "past" : "", t)));

    drawMarks();
    for (const c of cursors) {
      c.cl.setAttribute("x1", String(c.px(s)));
      c.cl.setAttribute("x2", String(c.px(s)));
    }
    keepInUrl();
  };
  // The position in the address (#step=N), at most every 100 ms (browsers throttle faster
  // history updates, as when a key is held down); the last one always lands.
  let urlAt = -1e9, urlTimer = 0;
  const keepInUrl = () => {
    const want = "#step=" + cur, now = performance.now();
    clearTimeout(urlTimer);
    if (location.hash === want) return;
    if (now - urlAt >= 100) {
      urlAt = now;
      history.replaceState(null, "", want);
    } else urlTimer = setTimeout(keepInUrl, 100 - (now - urlAt));
  };
  const go = (s) => {
    s = clamp(s);
    if (s === cur && document.body.dataset.step) return;
    cur = s;
    render();
  };

  slider.addEventListener("input", () => go(Number(slider.value)));
  $("first").onclick = () => go(1);
  $("last").onclick = () => go(N);
  $("prev").onclick = () => go(cur - 1);
  $("next").onclick = () => go(cur + 1);
  $("prevEv").onclick = () => go(prevEvent());
  $("nextEv").onclick = () => go(nextEvent());
  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const k = ev.key;
    const to = k === "ArrowRight" ? cur + (ev.shiftKey ? 10 : 1)
      : k === "ArrowLeft" ? cur - (ev.shiftKey ? 10 : 1)
      : k === "ArrowDown" ? lineDown()
      : k === "ArrowUp" ? lineUp()
      : k === "n" ? nextEvent()
      : k === "p" ? prevEvent()
      : k === "Home" ? 1
      : k === "End" ? N
      : null;
    if (to === null) return;
    ev.preventDefault();
    go(to);
  });
  const fromHash = () => {
    const m = /step=(\d+)/.exec(location.hash);
    return m ? clamp(Number(m[1])) : 1;
  };
  window.addEventListener("hashchange", () => go(fromHash()));
  window.addEventListener("resize", () => {
    canvasWidth = 0;
    panes.clear();
    drawMarks();
  });
  cur = fromHash();
  render();
  document.body.dataset.openMs = String(Math.round(performance.now()));
})();
