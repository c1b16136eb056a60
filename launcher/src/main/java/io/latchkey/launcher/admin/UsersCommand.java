package io.latchkey.launcher.admin;

import io.latchkey.app.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code admin users}: GET /api/v1/admin/users, every page of it. */
@Command(name = "users", description = "Lists the users.")
final class UsersCommand extends AdminSubcommand {
  /** The most the server returns in one page. */
  private static final int PAGE = 1000;

  @Override
  void execute() throws AdminException {
    AdminClient client = client();
    Table table = new Table("USERNAME", "STATUS", "ADMIN", "FAILED ATTEMPTS");
    int offset = 0;
    while (true) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("offset", String.valueOf(offset));
      query.put("limit", String.valueOf(PAGE));
      JsonNode page = client.get("/api/v1/admin/users" + AdminClient.query(query));
      JsonNode users = page.path("users");
      for (JsonNode user : users) {
        table.row(
            shown(user, "username"),
            shown(user, "status"),
            yesNo(user, "admin"),
            shown(user, "failedAttempts"));
      }
      offset += users.size();
      if (users.isEmpty() || offset >= page.path("total").asLong(0)) {
        break;
      }
    }
    table.print(out());
  }
}
