// Layers and variants: descriptions stored once (insert or ignore, the first JSON stays) so reports and
// ad-hoc SQL can resolve the hashes and names the other tables are keyed by.
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

constexpr char kInsertLayer[] =
    "INSERT OR IGNORE INTO layers (signature, layer_json, stored_at) VALUES (?1, ?2, " PIETUNE_COSTDB_NOW ")";
constexpr char kSelectLayer[] = "SELECT layer_json FROM layers WHERE signature = ?1";
// Keyed by (name, generator_version): a new generator version may give the same name other parameters.
constexpr char kInsertVariant[] =
    "INSERT OR IGNORE INTO variants (name, generator_version, family, params_json, stored_at) "
    "VALUES (?1, ?2, ?3, ?4, " PIETUNE_COSTDB_NOW ")";

}  // namespace

void Database::put_layer(const std::string& signature, const std::string& layer_json) {
  impl_->require_writable("put_layer");
  StatementUse insert = impl_->connection.cached(kInsertLayer, "put_layer");
  insert->bind_text(1, signature).bind_text(2, layer_json).run();
}

std::optional<std::string> Database::layer_json(const std::string& signature) const {
  StatementUse select = impl_->connection.cached(kSelectLayer, "layer_json");
  select->bind_text(1, signature);
  if (!select->step()) return std::nullopt;
  return select->column_text(0);
}

void Database::put_variant(const std::string& name, const std::string& family, const std::string& params_json,
                           int generator_version) {
  impl_->require_writable("put_variant");
  StatementUse insert = impl_->connection.cached(kInsertVariant, "put_variant");
  insert->bind_text(1, name).bind_int(2, generator_version).bind_text(3, family).bind_text(4, params_json).run();
}

}  // namespace pietune::costdb
