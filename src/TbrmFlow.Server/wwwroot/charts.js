// Hover values for the SVG charts of the run and compare pages (Components/Shared/LineChart.razor).
// Each <svg class="chart"> carries its plot box and x range; each <g class="series"> its data values
// (data-xs, data-ys, data-ss when smoothed). The tooltip, guide line and dots live in <body> (position:
// fixed), so the DOM that Blazor renders is never touched. One delegated listener serves every chart.
(() => {
    const parsed = new WeakMap();
    const numbers = text => (text ? text.split(',').map(Number) : []);
    const seriesOf = g => {
        const key = g.dataset.xs + '|' + g.dataset.ys + '|' + (g.dataset.ss || '');
        const cached = parsed.get(g);
        if (cached && cached.key === key) return cached;
        const entry = { key, xs: numbers(g.dataset.xs), ys: numbers(g.dataset.ys), ss: g.dataset.ss ? numbers(g.dataset.ss) : null };
        parsed.set(g, entry);
        return entry;
    };
    const nearest = (xs, x) => {
        let lo = 0, hi = xs.length - 1;
        while (hi - lo > 1) {
            const mid = (lo + hi) >> 1;
            if (xs[mid] < x) lo = mid; else hi = mid;
        }
        return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
    };
    const format = v => {
        const a = Math.abs(v);
        return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
    };
    let tip, guide, dots = [];
    const make = cls => { const el = document.createElement('div'); el.className = cls; document.body.appendChild(el); return el; };
    const hide = () => {
        if (tip) tip.style.display = 'none';
        if (guide) guide.style.display = 'none';
        dots.forEach(d => d.style.display = 'none');
    };
    document.addEventListener('mousemove', e => {
        const svg = e.target instanceof Element ? e.target.closest('svg.chart[data-x0]') : null;
        if (!svg) { hide(); return; }
        const box = svg.getBoundingClientRect();
        const scale = box.width / svg.viewBox.baseVal.width;
        const d = svg.dataset;
        const left = +d.left, right = +d.right, top = +d.top, bottom = +d.bottom, x0 = +d.x0, x1 = +d.x1;
        const px = (e.clientX - box.left) / scale;
        if (px < left - 4 || px > right + 4) { hide(); return; }
        const x = x0 + (px - left) / (right - left) * (x1 - x0);
        const rows = [];
        let bestX = null;
        for (const g of svg.querySelectorAll('g.series')) {
            const s = seriesOf(g);
            if (s.xs.length === 0) continue;
            const i = nearest(s.xs, x);
            if (bestX === null || Math.abs(s.xs[i] - x) < Math.abs(bestX - x)) bestX = s.xs[i];
            rows.push({ g, s, i });
        }
        if (bestX === null) { hide(); return; }
        tip = tip || make('chart-tip');
        guide = guide || make('chart-guide');
        const shown = rows.filter(r => r.s.xs[r.i] === bestX);
        tip.replaceChildren();
        const head = document.createElement('div');
        head.className = 'chart-tip-head';
        head.textContent = (d.xlabel || 'step') + ' ' + bestX;
        tip.appendChild(head);
        shown.forEach(r => {
            const row = document.createElement('div');
            const swatch = document.createElement('i');
            swatch.style.background = r.g.dataset.colour;
            row.appendChild(swatch);
            const value = r.s.ss ? format(r.s.ss[r.i]) + ' (raw ' + format(r.s.ys[r.i]) + ')' : format(r.s.ys[r.i]);
            row.appendChild(document.createTextNode(r.g.dataset.name + ': '));
            const b = document.createElement('b');
            b.className = 'chart-tip-value';
            b.textContent = value;
            row.appendChild(b);
            tip.appendChild(row);
        });
        const gx = box.left + (left + (bestX - x0) / (x1 - x0) * (right - left)) * scale;
        guide.style.cssText = `display:block;left:${gx}px;top:${box.top + top * scale}px;height:${(bottom - top) * scale}px`;
        while (dots.length < shown.length) dots.push(make('chart-dot'));
        dots.forEach((dot, k) => {
            const r = shown[k];
            if (!r) { dot.style.display = 'none'; return; }
            const line = r.g.querySelector('polyline.line') || r.g.querySelector('circle');
            const y = yPixel(line, r.i);
            dot.style.cssText = `display:block;left:${gx}px;top:${box.top + y * scale}px;background:${r.g.dataset.colour}`;
        });
        const tx = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
        tip.style.cssText = `display:block;left:${tx}px;top:${e.clientY + 14}px`;
    });
    // The dot sits on the drawn line: its pixel y is read from the polyline at the point's index.
    function yPixel(line, index) {
        if (line && line.tagName === 'circle') return +line.getAttribute('cy');
        const points = line ? line.getAttribute('points').split(' ') : [];
        const p = points[index];
        return p ? +p.split(',')[1] : 0;
    }
    document.addEventListener('mouseleave', hide);
})();
