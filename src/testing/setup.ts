// Test set-up (vitest setupFiles): tfjs-layers' own initialisers (orthogonal, used by the
// tf.layers references the tests build) call chained tensor methods (x.flatten()), which the
// tfjs umbrella registered and tfjs-core alone does not. rnnlm's own layers use zeros
// initialisers (model/keras.ts), so the tool itself never needs them.
import '@tensorflow/tfjs-core'; // first: the chained methods need its op handler in place
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
// TF.js autodiff (tf.grad), the independent reference for rnnlm's own backward passes: its
// gradient functions are registered by tfjs-layers, or here for tests that load no layers.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
