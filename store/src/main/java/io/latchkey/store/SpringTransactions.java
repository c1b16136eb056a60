package io.latchkey.store;

import io.latchkey.core.tx.Transactions;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link Transactions} over Spring's transaction manager. Work runs with the default propagation
 * (REQUIRED): a call inside another joins it, so a repository can make its own statements one unit
 * and still be part of a larger one. The repositories' {@code JdbcClient} must be built on the same
 * {@link DataSource} as the manager, or their statements run outside the transaction. An exception
 * thrown by the work rolls everything back and propagates.
 */
public final class SpringTransactions implements Transactions {
  private final TransactionTemplate template;

  public SpringTransactions(PlatformTransactionManager manager) {
    this.template = new TransactionTemplate(manager);
  }

  /** With a {@link DataSourceTransactionManager} of its own over {@code dataSource}. */
  public static SpringTransactions over(DataSource dataSource) {
    return new SpringTransactions(new DataSourceTransactionManager(dataSource));
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    return template.execute(status -> work.get());
  }
}
