import { imagePaths } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { imageActions, useImageVersion } from '../../state/imageStore';

/** The workspace's image (R16) beside its name, when an admin set one; decorative (the name is next to it). */
export function WorkspaceImage({ workspaceId }: { workspaceId: string }) {
  const version = useImageVersion();
  const [broken, setBroken] = useState<string | undefined>();
  useEffect(() => imageActions.load(workspaceId), [workspaceId]);
  if (!version || broken === version) return null;
  return (
    <img
      className="ws-image"
      src={`${imagePaths.workspaceImage(workspaceId)}?v=${version}`}
      alt=""
      width={28}
      height={28}
      data-testid="workspace-image-header"
      onError={() => setBroken(version)}
    />
  );
}
