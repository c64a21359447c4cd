/* kyotei — where a kyotei program finds its data (dictionaries, vocabularies, the bundled index).
 *
 * $KYOTEI_DATA_DIR when set; otherwise ../share/kyotei beside the running program, which is right
 * both in the build tree (build/bin, build/share/kyotei) and once installed (bin, share/kyotei).
 * Returns a malloc'd path (caller frees), or NULL with err set.
 */
#ifndef KT_BASE_DATADIR_H
#define KT_BASE_DATADIR_H

#include "base/error.h"

char *kt_data_dir(kt_error *err);

/* dir + "/" + name, malloc'd (NULL when memory runs out). */
char *kt_path_join(const char *dir, const char *name);

#endif
