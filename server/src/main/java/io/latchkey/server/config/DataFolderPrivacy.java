package io.latchkey.server.config;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the server started, gives the files created during the start (H2's database file, which H2
 * creates with the process's umask) mode 600. Until then they were in a folder of mode 700 ({@link
 * DataFolderCheck}), which no other user can enter.
 */
@Component
public class DataFolderPrivacy {
  private static final Logger LOG = LoggerFactory.getLogger(DataFolderPrivacy.class);

  private final LatchkeyProperties properties;

  public DataFolderPrivacy(LatchkeyProperties properties) {
    this.properties = properties;
  }

  @EventListener(ApplicationStartedEvent.class)
  public void tighten() {
    try {
      List<String> changed =
          DataFolderCheck.tighten(properties.data().toAbsolutePath().normalize());
      if (!changed.isEmpty()) {
        LOG.debug("mode 600/700 set on files created during the start: {}", changed);
      }
    } catch (IOException e) {
      LOG.warn("could not set the modes of the data folder's files: {}", e.toString());
    }
  }
}
