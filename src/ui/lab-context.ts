import { createContext, useContext } from 'react';
import type { Lab } from '../state/lab';
import type { LabState } from '../state/lab-state';
import { useStore } from '../state/store';

export const LabContext = createContext<Lab | null>(null);

export function useLab(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab outside <LabContext.Provider>');
  return lab;
}

/** Subscribes to a slice of the lab's state; re-renders only when that slice changes. */
export function useLabState<S>(select: (s: LabState) => S): S {
  return useStore(useLab().store, select);
}
