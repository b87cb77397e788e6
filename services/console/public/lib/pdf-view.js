// A PDF shown in the page with pdf.js (pdfjs-dist's own build and worker, served under
// PDFJS_BASE, which the console's build writes in: src/bundle.ts): each page on a canvas, the
// page of the signature block first and the others as they come into view, and optionally the
// box where the visible signature block will go, shown once its page is drawn.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

/* global PDFJS_BASE */
let prepared = null;

/**
 * Starts loading pdf.js and its worker, once per tab: the worker is kept for every PDF shown
 * after. A page calls it with its own API calls, so both are ready when the bytes come.
 * Resolves with { lib, worker }; a failure is forgotten, so the next call tries again.
 */
export function preparePdf() {
  if (prepared === null) {
    prepared = (async () => {
      const port = new Worker(`${PDFJS_BASE}build/pdf.worker.min.mjs`, { type: 'module' });
      // The worker says "ready" once its module has run; pdf.js given a port does not wait
      // for that, and would wait for ever on a worker that failed to load.
      const started = new Promise((resolve, reject) => {
        port.addEventListener('message', resolve, { once: true });
        port.addEventListener('error', () => reject(new Error('the pdf.js worker did not start')), { once: true });
      });
      try {
        const [lib] = await Promise.all([import('pdfjs-dist'), started]);
        return { lib, worker: new lib.PDFWorker({ port }) };
      } catch (error) {
        port.terminate();
        throw error;
      }
    })();
    prepared.catch(() => {
      prepared = null;
    });
  }
  return prepared;
}

/** Where `rect` ([x1, y1, x2, y2] in PDF units) falls on a page drawn at `viewport`, in CSS pixels. */
function boxOf(viewport, rect) {
  const [x1, y1] = viewport.convertToViewportPoint(rect[0], rect[1]);
  const [x2, y2] = viewport.convertToViewportPoint(rect[2], rect[3]);
  return { left: Math.min(x1, x2), top: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

/**
 * Page `number` of `doc` at `width` CSS pixels. Sized at once (the layout holds), drawn when
 * `eager`, or else once it comes near the view and `after` (the eager page drawn) has settled.
 */
function PdfPage({ doc, number, block, width, eager, after, onDrawn }) {
  const canvas = useRef(null);
  const wake = useRef(null);
  const [drawn, setDrawn] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (eager) wake.current?.();
  }, [eager]);
  useEffect(() => {
    let live = true;
    let render = null;
    const due = new Promise((resolve) => (wake.current = resolve));
    if (eager) wake.current();
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void after.then(() => wake.current?.());
      },
      { rootMargin: '200px' },
    );
    doc
      .getPage(number)
      .then(async (page) => {
        const viewport = page.getViewport({ scale: width / page.getViewport({ scale: 1 }).width });
        const ratio = window.devicePixelRatio || 1;
        const node = canvas.current;
        node.width = Math.floor(viewport.width * ratio);
        node.height = Math.floor(viewport.height * ratio);
        node.style.width = `${viewport.width}px`;
        node.style.height = `${viewport.height}px`;
        // Watched once sized: an empty canvas is small and would seem in view.
        observer.observe(node);
        await due;
        observer.disconnect();
        if (!live) return;
        render = page.render({
          canvas: node,
          viewport,
          transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
        });
        await render.promise;
        if (live) setDrawn(viewport);
      })
      .catch(() => live && setFailed(true))
      .finally(() => live && onDrawn(number));
    return () => {
      live = false;
      observer.disconnect();
      render?.cancel();
    };
  }, [doc, number, width]);
  if (failed) return html`<p role="alert">Không vẽ được trang ${number}.</p>`;
  const box = drawn && block ? boxOf(drawn, block.rect) : null;
  return html`<figure class="pdf-page">
    <div class="pdf-canvas">
      <canvas ref=${canvas} role="img" aria-label=${`Trang ${number}`}></canvas>
      ${
        box
          ? html`<div
              class="signature-box"
              data-testid="signature-preview"
              style=${{ left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` }}
            >
              ${block.lines.map((line) => html`<span>${line}</span>`)}
            </div>`
          : null
      }
    </div>
    <figcaption>Trang ${number}</figcaption>
  </figure>`;
}

/**
 * Shows `bytes` (an ArrayBuffer of a PDF). `block`: { page, rect: [x1, y1, x2, y2] in PDF
 * units, lines } draws the signature block's place; onPages(n) tells the page count.
 */
export function PdfView({ bytes, block, onPages, width = 640 }) {
  const [doc, setDoc] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let task = null;
    preparePdf()
      .then(({ lib, worker }) => {
        if (!live) return null;
        task = lib.getDocument({
          data: new Uint8Array(bytes.slice(0)),
          worker,
          isEvalSupported: false,
          standardFontDataUrl: `${PDFJS_BASE}standard_fonts/`,
          cMapUrl: `${PDFJS_BASE}cmaps/`,
          cMapPacked: true,
          wasmUrl: `${PDFJS_BASE}wasm/`,
        });
        return task.promise;
      })
      .then((loaded) => {
        if (!live || loaded === null) return;
        setDoc(loaded);
        onPages?.(loaded.numPages);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      // The loading task's end frees the document in the worker; the worker itself is kept.
      void task?.destroy();
    };
  }, [bytes]);
  // Settles once the first eager page is drawn (or could not be): the others wait for it.
  const first = useMemo(() => Promise.withResolvers(), [doc]);
  if (failed) return html`<p role="alert">Không hiển thị được tệp PDF.</p>`;
  if (doc === null) return html`<p role="status">Đang mở văn bản…</p>`;
  const eagerPage = block?.page ?? 1;
  return html`<div class="pdf" data-testid="pdf-view">
    ${Array.from({ length: doc.numPages }, (_, i) => i + 1).map(
      (n) =>
        html`<${PdfPage}
          key=${n}
          doc=${doc}
          number=${n}
          block=${block && block.page === n ? block : null}
          width=${width}
          eager=${n === eagerPage}
          after=${first.promise}
          onDrawn=${(drawnPage) => drawnPage === eagerPage && first.resolve()}
        />`,
    )}
  </div>`;
}
