// Văn thư: submit a document — the PDF, its metadata, the signer and the recipients picked from
// the directory (offices) and the office's groups.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { call, getJson } from '../lib/api.js';
import { documentTypes, retentions, urgencies } from '../lib/labels.js';
import { ErrorBox, Page, useLoad } from '../lib/ui.js';

async function loadDirectory() {
  const [offices, groups, people] = await Promise.all([
    getJson('intake', '/v1/directory/offices?limit=1000'),
    getJson('intake', '/v1/directory/groups'),
    getJson('intake', '/v1/directory/people'),
  ]);
  return {
    offices: offices.offices ?? [],
    groups: groups.groups ?? [],
    signers: (people.people ?? []).filter((p) => p.roles.includes('signer')),
  };
}

/** A directory code from a person's subject (`person:bi-thu` → `bi-thu`). */
const personCode = (subject) => subject.replace(/^person:/, '');

function Checklist({ legend, items, chosen, onToggle, name }) {
  return html`<fieldset class="checklist">
    <legend>${legend}</legend>
    ${items.map(
      (item) =>
        html`<label>
          <input
            type="checkbox"
            name=${name}
            value=${item.code}
            checked=${chosen.includes(item.code)}
            onChange=${() => onToggle(item.code)}
          />
          ${item.name} (${item.code})
        </label>`,
    )}
  </fieldset>`;
}

export function Submit() {
  const directory = useLoad(loadDirectory, []);
  const [form, setForm] = useState({
    type: 'CT',
    subject: '',
    urgency: 'ordinary',
    retention: 'permanent',
    signer: '',
    authority: 'T/M',
    onBehalfOf: 'BAN THƯỜNG VỤ',
    deadline: '',
  });
  const [offices, setOffices] = useState([]);
  const [groups, setGroups] = useState([]);
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  const toggle = (list, setList) => (code) =>
    setList(list.includes(code) ? list.filter((c) => c !== code) : [...list, code]);
  const signers = directory.data?.signers ?? [];
  const signer = form.signer || (signers[0] ? personCode(signers[0].subject) : '');

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const metadata = {
      type: form.type,
      subject: form.subject,
      recipients: { ...(offices.length ? { offices } : {}), ...(groups.length ? { groups } : {}) },
      secrecy: 'ordinary',
      urgency: form.urgency,
      signer: {
        person: signer,
        ...(form.authority ? { authority: form.authority } : {}),
        ...(form.onBehalfOf ? { onBehalfOf: form.onBehalfOf } : {}),
      },
      retention: form.retention,
      ...(form.deadline ? { deadline: new Date(`${form.deadline}T17:00:00+07:00`).toISOString() } : {}),
    };
    const body = new FormData();
    body.append('metadata', JSON.stringify(metadata));
    body.append('content', file, file.name);
    setBusy(true);
    try {
      const created = await (
        await call('intake', '/v1/documents', {
          method: 'POST',
          body,
          headers: { 'idempotency-key': crypto.randomUUID() },
        })
      ).json();
      location.hash = `#/documents/${created.id}`;
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const own = (directory.data?.offices ?? []).filter((o) => o.active);
  return html`<${Page} title="Trình văn bản">
    <${ErrorBox} error=${directory.error} />
    <form onSubmit=${submit} class="form">
      <label for="doc-type">Loại văn bản</label>
      <select id="doc-type" value=${form.type} onChange=${set('type')}>
        ${Object.entries(documentTypes).map(([k, v]) => html`<option value=${k}>${v} (${k})</option>`)}
      </select>
      <label for="doc-subject">Trích yếu</label>
      <textarea
        id="doc-subject"
        rows="2"
        value=${form.subject}
        onInput=${set('subject')}
        required
        maxlength="1000"
      ></textarea>
      <label for="doc-urgency">Độ khẩn</label>
      <select id="doc-urgency" value=${form.urgency} onChange=${set('urgency')}>
        ${Object.entries(urgencies).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
      <label for="doc-deadline">Hạn xử lý (không bắt buộc)</label>
      <input id="doc-deadline" type="date" value=${form.deadline} onInput=${set('deadline')} />
      <label for="doc-retention">Thời hạn bảo quản</label>
      <select id="doc-retention" value=${form.retention} onChange=${set('retention')}>
        ${Object.entries(retentions).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
      <label for="doc-signer">Người ký</label>
      <select id="doc-signer" value=${signer} onChange=${set('signer')} required>
        ${signers.map((p) => html`<option value=${personCode(p.subject)}>${p.name} — ${p.title}</option>`)}
      </select>
      <label for="doc-authority">Thể thức đề ký</label>
      <select id="doc-authority" value=${form.authority} onChange=${set('authority')}>
        <option value="">Không</option>
        ${['T/M', 'K/T', 'T/L', 'TUQ'].map((a) => html`<option value=${a}>${a}</option>`)}
      </select>
      <label for="doc-behalf">Thay mặt</label>
      <input id="doc-behalf" value=${form.onBehalfOf} onInput=${set('onBehalfOf')} maxlength="200" />
      <${Checklist}
        legend="Nhóm nơi nhận"
        name="groups"
        items=${directory.data?.groups ?? []}
        chosen=${groups}
        onToggle=${toggle(groups, setGroups)}
      />
      <${Checklist}
        legend="Cơ quan nhận"
        name="offices"
        items=${own}
        chosen=${offices}
        onToggle=${toggle(offices, setOffices)}
      />
      <label for="doc-file">Tệp văn bản (PDF)</label>
      <input
        id="doc-file"
        type="file"
        accept="application/pdf"
        required
        onChange=${(e) => setFile(e.currentTarget.files[0] ?? null)}
      />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy || offices.length + groups.length === 0}>Trình ký</button>
      ${offices.length + groups.length === 0 ? html`<p class="hint">Chọn ít nhất một nơi nhận.</p>` : null}
    </form>
  <//>`;
}
