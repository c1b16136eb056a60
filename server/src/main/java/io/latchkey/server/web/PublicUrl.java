package io.latchkey.server.web;

import io.latchkey.server.config.PushProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The URL people and phones reach this server at: {@code latchkey.push.public-url} when set (behind
 * a reverse proxy), else the URL of the request being served.
 */
@Component
public class PublicUrl {
  private final PushProperties properties;

  public PublicUrl(PushProperties properties) {
    this.properties = properties;
  }

  public URI of(HttpServletRequest request) {
    if (!properties.publicUrl().isBlank()) {
      return URI.create(properties.publicUrl().replaceAll("/+$", ""));
    }
    return URI.create(ServletUriComponentsBuilder.fromContextPath(request).build().toUriString());
  }
}
