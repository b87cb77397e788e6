// Small shared pieces: a loader for data, the error box, a titled page.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './labels.js';
import { html } from './html.js';

/** Runs `load` on mount and when `deps` change; `reload()` runs it again. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** The API's refusal, said plainly, with its detail and code. */
export function ErrorBox({ error }) {
  if (!error) return null;
  const { headline, detail, code } = describeError(error);
  return html`<div class="error" role="alert">
    <strong>${headline}</strong>
    ${detail ? html`<p>${detail}</p>` : null} ${code ? html`<p class="code">Mã lỗi: ${code}</p>` : null}
  </div>`;
}

export function Notice({ text }) {
  return text ? html`<div class="notice" role="status">${text}</div>` : null;
}

export function Loading({ when }) {
  return when ? html`<p class="loading" role="status">Đang tải…</p>` : null;
}

/** A page: its heading (focused on arrival, so keyboard and screen reader users land on it). */
export function Page({ title, children }) {
  useEffect(() => {
    document.title = `${title} — Liên thông văn bản`;
    document.getElementById('page-title')?.focus();
  }, [title]);
  return html`<section class="page" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${title}</h1>
    ${children}
  </section>`;
}
