Report <?= $id ?> attached.
