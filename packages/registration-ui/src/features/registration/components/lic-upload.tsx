import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { Grant } from '@registration/protocol/bff-api';
import { reason } from '@registration/protocol/reason';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { ApiRequestError, toApiRequestError } from '../../../lib/api-error.ts';
import { useT } from '../../../lib/use-t.ts';
import { useUploadContainerLic } from '../api/upload-container-lic.ts';
import { ProblemView } from './problem-view.tsx';

/** The same refusal the server would give, without sending 64 KB+ over the wire. */
const tooLarge = () =>
  new ApiRequestError('api', 413, [reason('PAYLOAD_TOO_LARGE', { limit: CONTAINER_LIC_MAX_BYTES })]);

/** Upload lic: picker button inside a drop zone, progress while sending, every refusal reason listed. */
export function LicUpload({ onAccepted, autoFocus = false }: { onAccepted: (grant: Grant) => void; autoFocus?: boolean }) {
  const { t } = useT();
  const ids = { hint: useId() };
  const inputRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // After "Upload another lic" the button that had focus is gone: continue from the picker.
  useEffect(() => {
    if (autoFocus) buttonRef.current?.focus();
  }, [autoFocus]);
  const upload = useUploadContainerLic();
  const [progress, setProgress] = useState(0);
  const [clientError, setClientError] = useState<ApiRequestError | null>(null);
  const [dragging, setDragging] = useState(false);
  const [fileName, setFileName] = useState('');

  function send(file: File | undefined) {
    if (!file || upload.isPending) return;
    setFileName(file.name);
    upload.reset();
    if (file.size > CONTAINER_LIC_MAX_BYTES) {
      setClientError(tooLarge());
      return;
    }
    setClientError(null);
    setProgress(0);
    upload.mutate({ file, onProgress: setProgress }, { onSuccess: (answer) => onAccepted(answer.grant) });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    send(event.dataTransfer.files[0]);
  }

  const error = clientError ?? (upload.error ? toApiRequestError(upload.error) : null);
  const percent = Math.round(progress * 100);
  return (
    <div className="frr-lic-upload" data-view="lic-upload">
      <div
        className={dragging ? 'frr-drop-zone frr-drop-zone--active' : 'frr-drop-zone'}
        data-testid="lic-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="frr-muted">{t('container.dropZone')}</p>
        <button
          ref={buttonRef}
          type="button"
          className="frr-button frr-button--primary"
          aria-describedby={ids.hint}
          aria-disabled={upload.isPending || undefined}
          onClick={() => !upload.isPending && inputRef.current?.click()}
        >
          {t('container.upload')}
        </button>
        <p id={ids.hint} className="frr-hint">
          {t('container.dropHint')}
        </p>
        <input
          ref={inputRef}
          type="file"
          accept=".lic"
          // Out of the accessibility tree (hidden): the Upload lic button above is the one control and
          // opens this; the name is for tools that still look at hidden inputs.
          hidden
          tabIndex={-1}
          aria-label={t('container.upload')}
          data-testid="lic-file-input"
          onChange={(e) => {
            send(e.target.files?.[0]);
            e.target.value = ''; // choosing the same file again fires change again
          }}
        />
      </div>
      {upload.isPending ? (
        <div role="status">
          <p className="frr-muted">{t('container.uploading', { name: fileName })}</p>
          <div
            className="frr-progress"
            role="progressbar"
            aria-label={t('container.uploadProgress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
          >
            <div className="frr-progress-bar" style={{ width: `${percent}%` }} />
          </div>
        </div>
      ) : null}
      {error ? (
        <div role="alert" data-testid="lic-refusal">
          <p className="frr-reason-title">{t('container.refused')}</p>
          <ProblemView error={error} />
        </div>
      ) : null}
    </div>
  );
}
