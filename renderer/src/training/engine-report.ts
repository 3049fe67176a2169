/**
 * What a run sent to the engine would train on (`probeEngines`): the backend line shows it
 * when the panel's choice is `auto` or `pytorch`, before any run starts.
 */
import { create } from 'zustand';
import type { EngineReport } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';

interface EngineReportState {
  report: EngineReport | null;
  error: string | null;
  loading: boolean;
}

export const useEngineReport = create<EngineReportState>(() => ({
  report: null,
  error: null,
  loading: false,
}));

/** Asks the engine once (again with `refresh`, e.g. after installing PyTorch). */
export async function loadEngineReport(refresh = false): Promise<void> {
  const client = useEngine.getState().client;
  if (!client || useEngineReport.getState().loading) return;
  useEngineReport.setState({ loading: true });
  try {
    useEngineReport.setState({ report: await client.probeEngines(refresh), error: null, loading: false });
  } catch (error) {
    useEngineReport.setState({
      error: `Could not check the training engines: ${error instanceof Error ? error.message : String(error)}`,
      loading: false,
    });
  }
}
