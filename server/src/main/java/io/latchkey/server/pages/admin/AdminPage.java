package io.latchkey.server.pages.admin;

/**
 * Marks the controllers of the admin console ({@code /admin/**}), so the advice for every page (the
 * header) and for the console's errors (with the precise reason) applies to them.
 */
public interface AdminPage {}
