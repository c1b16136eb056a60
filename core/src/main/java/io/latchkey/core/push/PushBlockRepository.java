package io.latchkey.core.push;

import io.latchkey.core.user.UserId;
import java.util.Optional;

public interface PushBlockRepository {
  /** Blocks pushes for the user unless already blocked; true if this call did it. */
  boolean block(PushBlock block);

  Optional<PushBlock> find(UserId userId);

  /** True if there was a block to lift. */
  boolean unblock(UserId userId);
}
