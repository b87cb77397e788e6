// A PDF shown in the page with pdf.js (pdfjs-dist's own build and worker, served under
// PDFJS_BASE, which the console's build writes in: src/bundle.ts): each page drawn on a canvas,
// and optionally the box where the visible signature block will go.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

/* global PDFJS_BASE */
let pdfjs = null;
async function loadPdfjs() {
  if (pdfjs === null) {
    pdfjs = await import('pdfjs-dist');
    pdfjs.GlobalWorkerOptions.workerSrc = `${PDFJS_BASE}build/pdf.worker.min.mjs`;
  }
  return pdfjs;
}

/** Draws page `number` of `doc` into `canvas` at `width` CSS pixels; returns its viewport. */
async function drawPage(doc, number, canvas, width) {
  const page = await doc.getPage(number);
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: width / base.width });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  await page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] }).promise;
  return viewport;
}

function PdfPage({ doc, number, block, width }) {
  const canvas = useRef(null);
  const [box, setBox] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    drawPage(doc, number, canvas.current, width).then(
      (viewport) => {
        if (!live || !block) return setBox(null);
        const [x1, y1] = viewport.convertToViewportPoint(block.rect[0], block.rect[1]);
        const [x2, y2] = viewport.convertToViewportPoint(block.rect[2], block.rect[3]);
        setBox({ left: Math.min(x1, x2), top: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [doc, number, block, width]);
  if (failed) return html`<p role="alert">Không vẽ được trang ${number}.</p>`;
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
    let task = null;
    loadPdfjs()
      .then((lib) => {
        task = lib.getDocument({
          data: new Uint8Array(bytes.slice(0)),
          isEvalSupported: false,
          standardFontDataUrl: `${PDFJS_BASE}standard_fonts/`,
          cMapUrl: `${PDFJS_BASE}cmaps/`,
          cMapPacked: true,
          wasmUrl: `${PDFJS_BASE}wasm/`,
        });
        return task.promise;
      })
      .then((loaded) => {
        setDoc(loaded);
        onPages?.(loaded.numPages);
      })
      .catch(() => setFailed(true));
    return () => void task?.destroy();
  }, [bytes]);
  if (failed) return html`<p role="alert">Không hiển thị được tệp PDF.</p>`;
  if (doc === null) return html`<p role="status">Đang mở văn bản…</p>`;
  return html`<div class="pdf" data-testid="pdf-view">
    ${Array.from({ length: doc.numPages }, (_, i) => i + 1).map(
      (n) =>
        html`<${PdfPage} doc=${doc} number=${n} block=${block && block.page === n ? block : null} width=${width} />`,
    )}
  </div>`;
}
