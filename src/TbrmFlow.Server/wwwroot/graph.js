// Pointer gestures of the designer's graph (GraphView with Editable): drag from an output port to an
// input port (a rubber band follows the pointer; .NET marks compatible and refused inputs and decides),
// move top-level nodes, pan the pane by dragging the background, zoom with Ctrl+wheel, Delete/Backspace.
// Rendering stays in .NET: this module only reports gestures.
const NS = 'http://www.w3.org/2000/svg';

function toGraph(svg, clientX, clientY) {
  const p = svg.createSVGPoint();
  p.x = clientX; p.y = clientY;
  return p.matrixTransform(svg.getScreenCTM().inverse());
}

export function attach(pane, dotnet) {
  let gesture = null;
  const svg = () => pane.querySelector('svg.graph');

  const onDown = e => {
    if (e.button !== 0) return;
    const s = svg();
    if (!s) return;
    pane.focus({ preventScroll: true });
    const out = e.target.closest('.port.out');
    const node = e.target.closest('[data-movable]');
    if (out && node) {
      const start = toGraph(s, e.clientX, e.clientY);
      const circle = out.querySelector('circle');
      const x0 = +circle.getAttribute('cx'), y0 = +circle.getAttribute('cy');
      const band = document.createElementNS(NS, 'path');
      band.setAttribute('class', 'rubber-band');
      s.querySelector('g.overlay').appendChild(band);
      gesture = { kind: 'connect', band, x0, y0, start };
      dotnet.invokeMethodAsync('ConnectStart', node.dataset.stage, out.dataset.port);
      e.preventDefault();
      return;
    }
    if (node && node.dataset.movable === 'true' && !e.target.closest('.port')) {
      gesture = { kind: 'move', node, x: e.clientX, y: e.clientY, start: toGraph(s, e.clientX, e.clientY), moved: false };
      return;
    }
    if (!node) {
      gesture = { kind: 'pan', x: e.clientX, y: e.clientY, left: pane.scrollLeft, top: pane.scrollTop };
      pane.classList.add('panning');
    }
  };

  const onMove = e => {
    if (!gesture) return;
    const s = svg();
    if (gesture.kind === 'connect') {
      const p = toGraph(s, e.clientX, e.clientY);
      const bend = Math.max(30, Math.abs(p.x - gesture.x0) / 2);
      gesture.band.setAttribute('d', `M ${gesture.x0} ${gesture.y0} C ${gesture.x0 + bend} ${gesture.y0}, ${p.x - bend} ${p.y}, ${p.x} ${p.y}`);
    } else if (gesture.kind === 'move') {
      if (!gesture.moved && Math.hypot(e.clientX - gesture.x, e.clientY - gesture.y) < 4) return;
      gesture.moved = true;
      const p = toGraph(s, e.clientX, e.clientY);
      gesture.node.setAttribute('transform', `translate(${p.x - gesture.start.x} ${p.y - gesture.start.y})`);
      gesture.node.classList.add('moving');
    } else if (gesture.kind === 'pan') {
      pane.scrollLeft = gesture.left - (e.clientX - gesture.x);
      pane.scrollTop = gesture.top - (e.clientY - gesture.y);
    }
  };

  const onUp = e => {
    const g = gesture;
    gesture = null;
    if (!g) return;
    pane.classList.remove('panning');
    if (g.kind === 'connect') {
      g.band.remove();
      const hit = document.elementFromPoint(e.clientX, e.clientY);
      const input = hit?.closest?.('.port.in');
      const node = input?.closest('[data-stage]');
      dotnet.invokeMethodAsync('ConnectEnd', node ? node.dataset.stage : null, input ? input.dataset.port : null);
    } else if (g.kind === 'move' && g.moved) {
      const p = toGraph(svg(), e.clientX, e.clientY);
      g.node.removeAttribute('transform');
      g.node.classList.remove('moving');
      const x = +g.node.dataset.x + p.x - g.start.x, y = +g.node.dataset.y + p.y - g.start.y;
      dotnet.invokeMethodAsync('Moved', g.node.dataset.stage, x, y);
    }
  };

  const onWheel = e => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    dotnet.invokeMethodAsync('Wheel', e.deltaY);
  };

  const onKey = e => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && !e.target.closest('input, textarea, select')) {
      e.preventDefault();
      dotnet.invokeMethodAsync('DeleteKey');
    }
  };

  pane.addEventListener('pointerdown', onDown);
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  pane.addEventListener('wheel', onWheel, { passive: false });
  pane.addEventListener('keydown', onKey);
  pane._tfGraph = () => {
    pane.removeEventListener('pointerdown', onDown);
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    pane.removeEventListener('wheel', onWheel);
    pane.removeEventListener('keydown', onKey);
  };
}

export function detach(pane) {
  pane?._tfGraph?.();
}

export function size(pane) {
  return [pane.clientWidth, pane.clientHeight];
}
