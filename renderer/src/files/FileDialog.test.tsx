// @vitest-environment jsdom
// The dialog as a person uses it: a folder listing that arrives late must not replace the
// name they already typed (seen as a flaky "save, new, reopen" end-to-end test under load).
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectFileInfo } from '../../../engine/protocol/api';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { useEngine } from '../engine/connection';
import { FileDialog } from './FileDialog';

interface Listing {
  directory: string;
  files: ProjectFileInfo[];
}

/** An engine whose folder listing answers only when the test says so. */
function slowListingEngine() {
  let answer: (listing: Listing) => void = () => undefined;
  const client = {
    listProjects: () => new Promise<Listing>((resolve) => (answer = resolve)),
    recentProjects: async () => [],
  } as unknown as EngineClient;
  return { client, answer: (listing: Listing) => answer(listing) };
}

afterEach(() => {
  cleanup();
  useEngine.setState({ status: 'connecting', client: null, detail: '' });
});

describe('FileDialog (save)', () => {
  it('keeps the path the person typed when the folder listing arrives afterwards', async () => {
    const engine = slowListingEngine();
    useEngine.setState({ status: 'online', client: engine.client, detail: '' });
    render(<FileDialog mode="save" />);
    const field = screen.getByTestId('file-dialog-path') as HTMLInputElement;
    fireEvent.change(field, { target: { value: '/home/me/mine.cnn.json' } });
    await act(async () => engine.answer({ directory: '/home/me/projects', files: [] }));
    expect(field.value).toBe('/home/me/mine.cnn.json');
    expect((screen.getByTestId('file-dialog-folder') as HTMLInputElement).value).toBe('/home/me/projects');
  });

  it('suggests a name in the listed folder while the person has typed nothing', async () => {
    const engine = slowListingEngine();
    useEngine.setState({ status: 'online', client: engine.client, detail: '' });
    render(<FileDialog mode="save" />);
    await act(async () => engine.answer({ directory: '/home/me/projects', files: [] }));
    const field = screen.getByTestId('file-dialog-path') as HTMLInputElement;
    expect(field.value.startsWith('/home/me/projects/')).toBe(true);
    expect(field.value.length).toBeGreaterThan('/home/me/projects/'.length);
  });
});
